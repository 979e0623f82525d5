package io.kiln.core.run;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where a run may train: the labels an agent must carry (e.g. {@code gpu=a100}) and the device
 * memory it must have. An agent claims only runs it matches.
 *
 * @param labels required labels, normalized (lower case, sorted)
 * @param minDeviceMemoryBytes 0 when any device will do
 */
public record Placement(List<String> labels, long minDeviceMemoryBytes) {
  public static final Placement ANYWHERE = new Placement(List.of(), 0);
  public static final int MAX_LABELS = 20;
  private static final Pattern LABEL =
      Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}(=[a-z0-9_.-]{1,40})?");

  public Placement {
    labels = List.copyOf(labels);
  }

  /** Whether an agent with these labels and this much memory on its best device may take it. */
  public boolean matches(Collection<String> agentLabels, long agentDeviceMemoryBytes) {
    return agentLabels.containsAll(labels)
        && (minDeviceMemoryBytes <= 0 || agentDeviceMemoryBytes >= minDeviceMemoryBytes);
  }

  /**
   * Labels as typed ({@code "GPU=A100, zone=eu"} or a list), normalized: trimmed, lower case,
   * deduplicated, sorted.
   *
   * @throws IllegalArgumentException naming the label that is not one
   */
  public static List<String> labels(Collection<String> typed) {
    Set<String> out = new TreeSet<>();
    for (String raw : typed == null ? List.<String>of() : typed) {
      for (String part : raw == null ? new String[0] : raw.split(",")) {
        String label = part.trim().toLowerCase(Locale.ROOT);
        if (label.isEmpty()) {
          continue;
        }
        if (!LABEL.matcher(label).matches()) {
          throw new IllegalArgumentException(
              "'"
                  + label
                  + "' is not a label: a name, optionally =value (letters, digits, _ . -), e.g."
                  + " gpu=a100");
        }
        out.add(label);
      }
    }
    if (out.size() > MAX_LABELS) {
      throw new IllegalArgumentException("at most " + MAX_LABELS + " labels");
    }
    return new ArrayList<>(out);
  }

  /** Labels kept in one text column: comma-separated. */
  public static String join(List<String> labels) {
    return String.join(",", labels);
  }

  public static List<String> split(String column) {
    return column == null || column.isBlank() ? List.of() : List.of(column.split(","));
  }
}
