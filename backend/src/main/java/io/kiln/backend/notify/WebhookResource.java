package io.kiln.backend.notify;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** A team's webhooks (leads and admins): add, list, test, delete, and each one's delivery log. */
@Path("/api/webhooks")
@RolesAllowed(AppUser.USER)
public class WebhookResource {
  private final WebhookService webhooks;
  private final Callers callers;

  WebhookResource(WebhookService webhooks, Callers callers) {
    this.webhooks = webhooks;
    this.callers = callers;
  }

  @GET
  public List<WebhookService.WebhookView> list() {
    return webhooks.list(callers.current());
  }

  /** The event kinds a webhook may want. */
  @GET
  @Path("/kinds")
  public List<String> kinds() {
    WebhookService.leadsOnly(callers.current(), "see the webhooks' events");
    return WebhookService.TEAM_KINDS;
  }

  @POST
  @APIResponse(
      responseCode = "201",
      description = "the webhook, with the secret its deliveries are signed with",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = WebhookService.WebhookView.class)))
  @ResponseStatus(201)
  public WebhookService.WebhookView create(WebhookService.WebhookRequest body) {
    return webhooks.create(body, callers.current());
  }

  @DELETE
  @Path("/{id}")
  @ResponseStatus(204)
  public void delete(@PathParam("id") long id) {
    webhooks.delete(id, callers.current());
  }

  /** Sends a test event to this webhook alone. */
  @POST
  @Path("/{id}/test")
  public WebhookService.DeliveryView test(@PathParam("id") long id) {
    return webhooks.test(id, callers.current());
  }

  /** The latest 50 deliveries, newest first, with the receiver's answers. */
  @GET
  @Path("/{id}/deliveries")
  public List<WebhookService.DeliveryView> deliveries(@PathParam("id") long id) {
    return webhooks.deliveries(id, callers.current());
  }
}
