package io.kiln.core.i18n;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.Preset;
import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void everyLanguageHasEveryKeyWithTheSamePlaceholders() {
    var english = new TreeSet<>(Messages.ENGLISH.keys());
    var chinese = new TreeSet<>(Messages.SIMPLIFIED_CHINESE.keys());
    var missing = new TreeSet<>(english);
    missing.removeAll(chinese);
    var extra = new TreeSet<>(chinese);
    extra.removeAll(english);
    extra.removeAll(codeSourcedKeys());
    assertEquals(new TreeSet<String>(), missing, "keys missing in zh-CN");
    assertEquals(new TreeSet<String>(), extra, "zh-CN keys that English lacks");
    for (String key : english) {
      assertEquals(
          Messages.ENGLISH.placeholders(key),
          Messages.SIMPLIFIED_CHINESE.placeholders(key),
          "placeholders of " + key);
      assertTrue(!Messages.SIMPLIFIED_CHINESE.template(key).isBlank(), key + " is empty");
    }
  }

  /** Keys whose English is in code: every recipe field, field group and built-in preset. */
  private static java.util.Set<String> codeSourcedKeys() {
    var keys = new TreeSet<String>();
    for (RecipeField f : RecipeFields.ALL) {
      keys.add("field." + f.name() + ".label");
      keys.add("field." + f.name() + ".help");
      keys.add(Messages.groupKey(f.group()));
    }
    for (Preset p : BuiltInPresets.ALL) {
      for (String part : java.util.List.of("name", "description", "whenToUse", "cost")) {
        keys.add("preset." + p.id() + "." + part);
      }
    }
    return keys;
  }

  @Test
  void everyRecipeFieldGroupAndBuiltInPresetHasItsChinese() {
    var missing = new TreeSet<>(codeSourcedKeys());
    missing.removeAll(Messages.SIMPLIFIED_CHINESE.keys());
    assertEquals(new TreeSet<String>(), missing);
    assertEquals("学习率", Messages.SIMPLIFIED_CHINESE.orElse("field.learningRate.label", "x"));
    assertEquals(
        "Learning rate", Messages.ENGLISH.orElse("field.learningRate.label", "Learning rate"));
  }

  @Test
  void theChineseBundleIsChineseNotACopy() {
    long copied =
        Messages.ENGLISH.keys().stream()
            .filter(k -> Messages.ENGLISH.template(k).length() > 12)
            .filter(
                k -> Messages.ENGLISH.template(k).equals(Messages.SIMPLIFIED_CHINESE.template(k)))
            .count();
    assertEquals(0, copied, "sentences left in English in zh-CN");
  }

  @Test
  void fillsPlaceholdersAndNestedTextsInTheReadersLanguage() {
    Text cause = Text.of("advice.A3.cause.rateHigh");
    Text text =
        Text.of(
            "advice.A3.explanation", "epochs", 4, "accuracy", "10", "chance", "10", "cause", cause);
    assertTrue(text.english().startsWith("After 4 epochs the model is no better than guessing"));
    assertTrue(text.english().contains("too high for the network to settle (T2)."));
    String chinese = text.in(Locale.forLanguageTag("zh-CN"));
    assertTrue(chinese.startsWith("训练了 4 轮后"), chinese);
    assertTrue(chinese.contains("学习率可能太高"), chinese);
    assertEquals(text.english(), text.in(Locale.FRENCH), "other languages read English");
  }

  /** A stored sentence read back from JSON (nested clauses as maps) renders as it was written. */
  @Test
  void aTextReadBackFromJsonKeepsItsNestedClauses() {
    Text stored =
        new Text(
            "advice.A3.explanation",
            java.util.Map.of(
                "epochs", "4",
                "accuracy", "10",
                "chance", "10",
                "cause",
                    java.util.Map.of(
                        "key", "advice.A3.cause.rateHigh", "args", java.util.Map.of())));
    Text written =
        Text.of(
            "advice.A3.explanation",
            "epochs",
            4,
            "accuracy",
            "10",
            "chance",
            "10",
            "cause",
            Text.of("advice.A3.cause.rateHigh"));
    assertEquals(written.english(), stored.english());
    assertEquals(written.in(Messages.CHINESE), stored.in(Messages.CHINESE));
  }

  @Test
  void anUnknownKeyShowsItselfRatherThanNothing() {
    assertEquals("no.such.key", Text.of("no.such.key").english());
  }
}
