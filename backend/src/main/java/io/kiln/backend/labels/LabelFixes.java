package io.kiln.backend.labels;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.Json;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetEdits;
import io.kiln.backend.dataset.DatasetView;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Applies a person's choices on a label check's findings in one pass: moved and removed images make
 * a new dataset version (its images keep their split), kept ones are remembered for the dataset's
 * lineage and not flagged again.
 */
@ApplicationScoped
class LabelFixes {
  /** {@code appliedDatasetId} while the new version is being made. */
  static final long APPLYING = 0L;

  private final DatasetEdits edits;
  private final Audit audit;
  private final Json json;

  LabelFixes(DatasetEdits edits, Audit audit, Json json) {
    this.edits = edits;
    this.audit = audit;
    this.json = json;
  }

  /**
   * One choice on a flagged image.
   *
   * @param action {@code move} (to {@code to}, a class of the dataset), {@code keep} or {@code
   *     remove}
   */
  public record Decision(
      String imageId,
      @Schema(enumeration = {"move", "keep", "remove"}) String action,
      @Schema(nullable = true) String to) {}

  /** The choices, all at once. */
  public record FixRequest(List<Decision> decisions) {}

  /**
   * What the choices did.
   *
   * @param dataset the new version, when an image was moved or removed
   */
  public record FixResult(
      @Schema(nullable = true) DatasetView dataset, int moved, int removed, int kept) {}

  FixResult apply(long checkId, FixRequest request, Caller caller) {
    if (request == null || request.decisions() == null || request.decisions().isEmpty()) {
      throw ApiException.field(
          400,
          "decisions: choose move, keep or remove for at least one image",
          "decisions",
          "is empty");
    }
    Checked checked =
        Conflicts.retry(
            () -> QuarkusTransaction.requiringNew().call(() -> check(checkId, request, caller)));
    DatasetView version = null;
    if (!checked.moves().isEmpty() || !checked.removals().isEmpty()) {
      try {
        version =
            edits.apply(
                checked.datasetId(),
                new DatasetEdits.Edit(checked.moves(), checked.removals()),
                caller);
      } catch (RuntimeException e) {
        // The claim is given back: the person may try again.
        QuarkusTransaction.requiringNew()
            .run(() -> LabelCheck.<LabelCheck>findById(checkId).appliedDatasetId = null);
        throw e;
      }
    }
    Long versionId = version == null ? null : version.id();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              LabelCheck check = LabelCheck.findById(checkId);
              Dataset dataset = Dataset.findById(check.datasetId);
              for (String image : checked.keeps()) {
                LabelKeep.Key key = new LabelKeep.Key();
                key.lineageId = dataset.lineageId;
                key.imageId = LabelKeep.keyOf(image);
                if (LabelKeep.findById(key) == null) {
                  LabelKeep keep = new LabelKeep();
                  keep.lineageId = dataset.lineageId;
                  keep.imageId = key.imageId;
                  keep.keptBy = caller.name();
                  keep.keptAt = Instant.now();
                  keep.persist();
                }
              }
              if (versionId != null) {
                check.appliedDatasetId = versionId;
              }
              audit.record(
                  caller.name(),
                  "labels-fixed",
                  "dataset " + check.datasetId,
                  "label check "
                      + checkId
                      + ": "
                      + checked.moves().size()
                      + " moved, "
                      + checked.removals().size()
                      + " removed, "
                      + checked.keeps().size()
                      + " kept"
                      + (versionId == null ? "" : ", new version dataset " + versionId));
            });
    return new FixResult(
        version, checked.moves().size(), checked.removals().size(), checked.keeps().size());
  }

  private record Checked(
      long datasetId, Map<String, String> moves, Set<String> removals, Set<String> keeps) {}

  /** Every decision names a flagged image once, a known action and, to move, another class. */
  private Checked check(long checkId, FixRequest request, Caller caller) {
    LabelCheck check = LabelCheckService.visible(checkId, caller);
    caller.change(check.teamId, check.createdBy, "label check", checkId, "fix labels");
    if (!LabelCheck.SUCCEEDED.equals(check.state)) {
      throw new ApiException(
          409, "label check " + checkId + " has no findings (" + check.state + ")");
    }
    if (check.appliedDatasetId != null) {
      throw new ApiException(
          409,
          check.appliedDatasetId == APPLYING
              ? "the choices of label check " + checkId + " are being applied"
              : "the choices of label check "
                  + checkId
                  + " were applied already: dataset "
                  + check.appliedDatasetId);
    }
    LabelFindings findings = json.read(check.result, LabelFindings.class, "label findings");
    Map<String, String> flagged = new LinkedHashMap<>();
    findings.issues().forEach(i -> flagged.put(i.imageId(), i.given()));
    findings.outliers().forEach(o -> flagged.putIfAbsent(o.imageId(), o.given()));
    Dataset dataset = Dataset.findById(check.datasetId);
    Set<String> classes = new HashSet<>(json.readMap(dataset.classCounts, "class counts").keySet());
    Map<String, String> moves = new LinkedHashMap<>();
    Set<String> removals = new HashSet<>();
    Set<String> keeps = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < request.decisions().size(); i++) {
      Decision d = request.decisions().get(i);
      String field = "decisions[" + i + "]";
      if (d == null || d.imageId() == null || !flagged.containsKey(d.imageId())) {
        throw ApiException.field(
            400,
            field + ".imageId: not an image this check flagged",
            field + ".imageId",
            "not flagged by this check");
      }
      if (!seen.add(d.imageId())) {
        throw ApiException.field(
            400, field + ".imageId: decided twice", field + ".imageId", "decided twice");
      }
      switch (d.action() == null ? "" : d.action()) {
        case "move" -> {
          if (d.to() == null
              || !classes.contains(d.to())
              || d.to().equals(flagged.get(d.imageId()))) {
            throw ApiException.field(
                400,
                field + ".to: name another class of the dataset to move the image to",
                field + ".to",
                "not another class of the dataset");
          }
          moves.put(d.imageId(), d.to());
        }
        case "remove" -> removals.add(d.imageId());
        case "keep" -> keeps.add(d.imageId());
        default ->
            throw ApiException.field(
                400,
                field + ".action: choose move, keep or remove",
                field + ".action",
                "must be move, keep or remove");
      }
    }
    if (!moves.isEmpty() || !removals.isEmpty()) {
      // Claimed in this transaction (the check's version guards it): a second apply at the same
      // moment gets a 409 instead of making a second dataset version.
      check.appliedDatasetId = APPLYING;
    }
    return new Checked(check.datasetId, moves, removals, keeps);
  }
}
