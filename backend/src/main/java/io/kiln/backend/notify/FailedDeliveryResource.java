package io.kiln.backend.notify;

import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * For admins: the latest deliveries that failed for good, of every team's webhooks and every
 * person's e-mail (a wrong SMTP setting shows here first).
 */
@Path("/api/admin/failed-deliveries")
@RolesAllowed("admin")
public class FailedDeliveryResource {
  private static final int SIZE = 50;

  /** One failed delivery: where it was going, what it carried, why it failed. */
  public record FailedDelivery(
      long id,
      @Schema(enumeration = {"webhook", "email"}) String channel,
      String kind,
      String target,
      @Schema(nullable = true) Long teamId,
      int attempts,
      @Schema(nullable = true) Integer status,
      @Schema(nullable = true) String error,
      Instant createdAt) {}

  @GET
  @Transactional
  public List<FailedDelivery> list() {
    return Delivery.<Delivery>find("state", Sort.descending("id"), Delivery.FAILED)
        .page(0, SIZE)
        .list()
        .stream()
        .map(
            d -> {
              Webhook hook = d.webhookId == null ? null : Webhook.findById(d.webhookId);
              String target =
                  Delivery.EMAIL.equals(d.channel)
                      ? "e-mail to " + d.recipient
                      : hook == null ? "a deleted webhook" : hook.url;
              return new FailedDelivery(
                  d.id,
                  d.channel,
                  d.event.kind,
                  target,
                  d.event.teamId,
                  d.attempts,
                  d.lastStatus,
                  d.lastError,
                  d.createdAt);
            })
        .toList();
  }
}
