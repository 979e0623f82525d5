package io.kiln.backend.common;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.servers.Server;

/**
 * The OpenAPI document's header (served at {@code /q/openapi}): what API users generate clients
 * from. Every operation needs a session, given as the login cookie or as a bearer token (an agent's
 * credential is a bearer token too); login and enrollment say they need none.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Kiln API",
            version = "1",
            description = "Fine-tune image classifiers from a browser."),
    servers = @Server(url = "/", description = "this Kiln server"),
    security = {
      @SecurityRequirement(name = ApiDocument.COOKIE),
      @SecurityRequirement(name = ApiDocument.BEARER)
    },
    components =
        @Components(
            schemas =
                @Schema(
                    name = "ErrorBody",
                    implementation = ErrorBody.class,
                    description = "The body of every error reply (4xx, 5xx)")))
@SecuritySchemes({
  @SecurityScheme(
      securitySchemeName = ApiDocument.COOKIE,
      type = SecuritySchemeType.APIKEY,
      in = SecuritySchemeIn.COOKIE,
      apiKeyName = "kiln_session",
      description = "the session cookie set by login"),
  @SecurityScheme(
      securitySchemeName = ApiDocument.BEARER,
      type = SecuritySchemeType.HTTP,
      scheme = "bearer",
      description = "a session token from login, or an agent's credential (ka_...)")
})
public class ApiDocument extends Application {
  public static final String COOKIE = "sessionCookie";
  public static final String BEARER = "bearerToken";
}
