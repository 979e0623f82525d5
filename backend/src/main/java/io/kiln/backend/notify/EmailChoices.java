package io.kiln.backend.notify;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.KilnConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A person's e-mail choices: read them, and change them with every field checked (400 naming it).
 */
@ApplicationScoped
public class EmailChoices {
  /** The caller's e-mail choices; {@code available} is false where the server sends no e-mail. */
  public record EmailView(
      boolean available,
      @Schema(nullable = true) String email,
      List<String> kinds,
      @Schema(enumeration = {"en", "zh-CN"}) String language) {}

  /** New e-mail choices: no address (or no events) stops e-mail. */
  public record EmailRequest(
      @Schema(nullable = true) String email,
      @Schema(nullable = true) List<String> kinds,
      @Schema(
              nullable = true,
              enumeration = {"en", "zh-CN"})
          String language) {}

  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s<>\"]{1,64}@[^@\\s<>\"]+\\.[^@\\s<>\"]+");

  private final boolean mailAvailable;

  EmailChoices(KilnConfig config) {
    this.mailAvailable = config.mail().from().isPresent();
  }

  @Transactional
  public EmailView of(String username) {
    EmailChoice c = EmailChoice.findById(username);
    return c == null
        ? new EmailView(mailAvailable, null, List.of(), "en")
        : new EmailView(mailAvailable, c.email, List.of(c.kinds.split(",")), c.language);
  }

  /**
   * No address or no events stops e-mail; otherwise every field is checked before anything is kept.
   */
  @Transactional
  public EmailView choose(String username, EmailRequest body) {
    String email = body == null || body.email() == null ? "" : body.email().trim();
    List<String> kinds = body == null || body.kinds() == null ? List.of() : body.kinds();
    if (email.isEmpty() || kinds.isEmpty()) {
      EmailChoice.deleteById(username);
      return new EmailView(mailAvailable, null, List.of(), "en");
    }
    if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
      throw ApiException.field(
          400, "email '" + email + "' is not an e-mail address", "email", "not an address");
    }
    for (String k : kinds) {
      if (!WebhookService.KINDS.contains(k)) {
        throw ApiException.field(400, "kinds: unknown event '" + k + "'", "kinds", "unknown");
      }
    }
    String language = body.language() == null ? "en" : body.language();
    if (!language.equals("en") && !language.equals("zh-CN")) {
      throw ApiException.field(400, "language must be en or zh-CN", "language", "en or zh-CN");
    }
    EmailChoice c = EmailChoice.findById(username);
    boolean fresh = c == null;
    if (fresh) {
      c = new EmailChoice();
      c.username = username;
    }
    c.email = email;
    c.kinds = String.join(",", new LinkedHashSet<>(kinds));
    c.language = language;
    if (fresh) {
      c.persist();
    }
    return new EmailView(mailAvailable, c.email, List.of(c.kinds.split(",")), c.language);
  }
}
