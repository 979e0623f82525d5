package io.kiln.backend.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Creates the first admin account at first start and prints a generated password once. */
@Singleton
public class AdminBootstrap {
  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

  void onStart(@Observes StartupEvent event, AuthService auth) {
    auth.ensureAdmin()
        .ifPresent(
            created ->
                created
                    .generatedPassword()
                    .ifPresentOrElse(
                        password ->
                            LOG.infof(
                                "Created the admin account: username 'admin', password '%s' (shown only this once)",
                                password),
                        () ->
                            LOG.info(
                                "Created the admin account 'admin' with the password from KILN_ADMIN_PASSWORD")));
  }
}
