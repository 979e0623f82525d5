package io.kiln.backend.dataset.archive;

import io.kiln.backend.common.Localizable;
import io.kiln.core.i18n.Text;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Something validation noticed about a dataset, in words a non-programmer can act on.
 *
 * @param kind a stable identifier (e.g. {@code duplicate-in-class})
 * @param severity {@code info}, {@code warning} or {@code error} (an error refuses the dataset)
 * @param files up to {@link #MAX_FILES} affected archive paths
 * @param fileCount how many files are affected in all
 * @param action what Kiln did about it
 * @param advice what the user can do
 * @param texts message, action and advice as message keys and arguments (stored with the dataset so
 *     each reader gets them in their language), or null for findings from before
 */
public record Finding(
    String kind,
    @Schema(enumeration = {"info", "warning", "error"}) String severity,
    String message,
    List<String> files,
    int fileCount,
    String action,
    String advice,
    @Schema(hidden = true) List<Text> texts)
    implements Localizable<Finding> {
  public static final int MAX_FILES = 20;

  /** A finding in every language, from its sentences' messages. */
  public static Finding of(
      String kind, String severity, Text message, List<String> files, Text action, Text advice) {
    return new Finding(
        kind,
        severity,
        message.english(),
        firstFiles(files),
        files.size(),
        action.english(),
        advice.english(),
        List.of(message, action, advice));
  }

  /**
   * A finding whose sentences are finding.{kind}, finding.{kind}.action and finding.{kind}.advice,
   * all with the same arguments.
   */
  public static Finding of(String kind, String severity, List<String> files, Object... args) {
    String key = "finding." + kind;
    return of(
        kind,
        severity,
        Text.of(key, args),
        files,
        Text.of(key + ".action", args),
        Text.of(key + ".advice", args));
  }

  /** The finding that refuses a dataset with this sentence. */
  public static Finding refusal(String kind, Text message) {
    return of(
        kind,
        "error",
        message,
        List.of(),
        Text.of("finding.refused.action"),
        Text.of("finding.refused.advice"));
  }

  @Override
  public Finding in(Locale locale) {
    if (texts == null || texts.size() != 3) {
      return this;
    }
    return new Finding(
        kind,
        severity,
        texts.get(0).in(locale),
        files,
        fileCount,
        texts.get(1).in(locale),
        texts.get(2).in(locale),
        texts);
  }

  private static List<String> firstFiles(List<String> files) {
    return List.copyOf(files.subList(0, Math.min(MAX_FILES, files.size())));
  }
}
