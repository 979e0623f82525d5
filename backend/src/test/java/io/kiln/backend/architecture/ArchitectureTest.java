package io.kiln.backend.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Package rules the build enforces (plain JUnit, no Quarkus start): backend feature packages form
 * no cycle, {@code core} imports no framework, and an entity's fields are written only from its own
 * feature package (others ask that feature's service or observe its events).
 */
class ArchitectureTest {
  private static JavaClasses backend;
  private static JavaClasses core;

  @BeforeAll
  static void importClasses() {
    ClassFileImporter importer =
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
    backend = importer.importPackages("io.kiln.backend");
    core = importer.importPackages("io.kiln.core");
  }

  @Test
  void featurePackagesFormNoCycle() {
    slices().matching("io.kiln.backend.(*)..").should().beFreeOfCycles().check(backend);
  }

  /**
   * The old Java EE namespaces are frameworks; the JDK's own {@code javax.imageio} (images are
   * decoded the same way for training and predictions, in core) is not.
   */
  @Test
  void coreImportsNoFramework() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quarkus..",
            "jakarta..",
            "javax.inject..",
            "javax.persistence..",
            "javax.ws..",
            "javax.enterprise..",
            "javax.transaction..",
            "javax.annotation..",
            "io.vertx..",
            "io.smallrye..",
            "org.hibernate..",
            "ai.djl..",
            "io.kiln.backend..",
            "io.kiln.agent..")
        .check(core);
  }

  @Test
  void entitiesAreWrittenOnlyFromTheirOwnPackage() {
    noClasses().should(writeAnotherPackagesEntity()).check(backend);
  }

  private static ArchCondition<JavaClass> writeAnotherPackagesEntity() {
    return new ArchCondition<>("write a field of an entity from another package") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (JavaFieldAccess access : origin.getFieldAccessesFromSelf()) {
          JavaClass owner = access.getTargetOwner();
          if (access.getAccessType() == JavaFieldAccess.AccessType.SET
              && owner.isAnnotatedWith(Entity.class)
              && !owner.getPackageName().equals(origin.getPackageName())) {
            events.add(SimpleConditionEvent.satisfied(access, describe(access)));
          }
        }
      }
    };
  }

  private static String describe(JavaAccess<?> access) {
    return access.getDescription();
  }
}
