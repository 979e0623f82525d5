package io.kiln.backend.dataset.archive;

import java.util.List;

/** The upload cannot become a dataset; {@code kind} names the reason for clients and tests. */
public class ArchiveRefused extends RuntimeException {
  private final String kind;
  private final List<Finding> findings;

  public ArchiveRefused(String kind, String message) {
    this(kind, message, List.of());
  }

  public ArchiveRefused(String kind, String message, List<Finding> findings) {
    super(message);
    this.kind = kind;
    this.findings = List.copyOf(findings);
  }

  public String kind() {
    return kind;
  }

  /** Everything the validation found up to the refusal, the refusing finding included. */
  public List<Finding> findings() {
    return findings;
  }
}
