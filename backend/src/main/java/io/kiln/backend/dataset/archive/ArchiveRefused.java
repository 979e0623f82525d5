package io.kiln.backend.dataset.archive;

import io.kiln.core.i18n.Text;
import java.util.List;

/** The upload cannot become a dataset; {@code kind} names the reason for clients and tests. */
public class ArchiveRefused extends RuntimeException {
  private final String kind;
  private final List<Finding> findings;
  private final Text text;

  /** A refusal in every language Kiln speaks. */
  public ArchiveRefused(String kind, Text message, List<Finding> findings) {
    super(message.english());
    this.kind = kind;
    this.findings = List.copyOf(findings);
    this.text = message;
  }

  /** A refusal whose sentence is {@code refused.<kind>} with these arguments. */
  public static ArchiveRefused of(String kind, Object... namesAndValues) {
    return new ArchiveRefused(kind, Text.of("refused." + kind, namesAndValues), List.of());
  }

  /** A refusal of this kind with its own sentence. */
  public static ArchiveRefused of(String kind, Text message) {
    return new ArchiveRefused(kind, message, List.of());
  }

  /** The sentence as a message (its English is {@link #getMessage()}). */
  public Text text() {
    return text;
  }

  public String kind() {
    return kind;
  }

  /** Everything the validation found up to the refusal, the refusing finding included. */
  public List<Finding> findings() {
    return findings;
  }
}
