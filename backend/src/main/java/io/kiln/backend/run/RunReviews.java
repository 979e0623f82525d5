package io.kiln.backend.run;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a team says about a run: a lead approves or rejects it with a comment and archives or
 * restores it; the one who launched it or a lead tags it and writes a note.
 */
@ApplicationScoped
public class RunReviews {
  private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._+-]{0,29}");
  private static final int MAX_TAGS = 10;
  private final RunMapper mapper;
  private final Event<RunEvents.Changed> changed;
  private final Audit audit;

  private final Event<RunEvents.ReviewRequested> asked;
  private final Event<RunEvents.Reviewed> reviewed;

  RunReviews(
      RunMapper mapper,
      Event<RunEvents.Changed> changed,
      Event<RunEvents.ReviewRequested> asked,
      Event<RunEvents.Reviewed> reviewed,
      Audit audit) {
    this.mapper = mapper;
    this.changed = changed;
    this.asked = asked;
    this.reviewed = reviewed;
    this.audit = audit;
  }

  /** A note for the leads asked to review a run (at most 4000 characters, may be empty). */
  public record AskRequest(String note) {}

  /**
   * The one who launched the run (or a lead) asks the team's leads to review it once it ended; they
   * are told (issue 35). 409 when it is still running, already decided, or already waiting.
   */
  @Transactional
  public RunView askForReview(long id, AskRequest body, Caller caller) {
    Run run = RunService.find(id);
    caller.change(run.teamId, run.createdBy, "run", id, "ask for a review of run " + id);
    if (!run.state.terminal()) {
      throw new ApiException(
          409, "run " + id + " is still " + run.state.name().toLowerCase() + ": ask when it ends");
    }
    if (run.reviewState != null) {
      throw new ApiException(
          409, "run " + id + " is already " + run.reviewState + " by " + run.reviewedBy);
    }
    if (run.reviewRequestedBy != null) {
      throw new ApiException(
          409,
          "run " + id + " is already waiting for review (asked by " + run.reviewRequestedBy + ")");
    }
    String note =
        ShownText.text("note", body == null || body.note() == null ? "" : body.note().trim());
    if (note.length() > 4000) {
      throw ApiException.field(400, "note is longer than 4000 characters", "note", "too long");
    }
    run.reviewRequestedBy = caller.name();
    run.reviewRequestedAt = Instant.now();
    run.reviewRequestNote = note.isEmpty() ? null : note;
    audit.record(caller.name(), "review-requested", "run " + id, note);
    asked.fire(new RunEvents.ReviewRequested(run.id));
    return publish(run);
  }

  /** A lead's decision: {@code approved} or {@code rejected}, with a comment. */
  public record ReviewRequest(
      @Schema(enumeration = {"approved", "rejected"}) String decision, String comment) {}

  /** Tags (at most 10, each 1-30 letters, digits, spaces or ._+-) and a free-text note. */
  public record Annotation(List<String> tags, String remarks) {}

  @Transactional
  public RunView review(long id, ReviewRequest body, Caller caller) {
    Run run = RunService.find(id);
    caller.lead(run.teamId, "run", id, "approve or reject runs");
    if (body == null || body.decision() == null) {
      throw ApiException.field(
          400, "decision is required: approved or rejected", "decision", "is required");
    }
    String decision = body.decision().trim().toLowerCase();
    if (!decision.equals("approved") && !decision.equals("rejected")) {
      throw ApiException.field(
          400, "decision must be approved or rejected", "decision", "approved or rejected");
    }
    if (!run.state.terminal()) {
      throw new ApiException(
          409,
          "run " + id + " is still " + run.state.name().toLowerCase() + ": review it when it ends");
    }
    String comment = ShownText.text("comment", body.comment() == null ? "" : body.comment().trim());
    if (comment.length() > 4000) {
      throw ApiException.field(
          400, "comment is longer than 4000 characters", "comment", "too long");
    }
    run.reviewState = decision;
    run.reviewComment = comment;
    run.reviewedBy = caller.name();
    run.reviewedAt = Instant.now();
    audit.record(
        caller.name(),
        "run-reviewed",
        "run " + id,
        decision + (comment.isEmpty() ? "" : ": " + comment));
    reviewed.fire(new RunEvents.Reviewed(run.id));
    return publish(run);
  }

  @Transactional
  public RunView annotate(long id, Annotation body, Caller caller) {
    Run run = RunService.find(id);
    caller.change(run.teamId, run.createdBy, "run", id, "tag or annotate run " + id);
    if (body == null) {
      throw ApiException.badRequest("send tags and remarks");
    }
    if (body.tags() != null) {
      Set<String> tags = new LinkedHashSet<>();
      for (String tag : body.tags()) {
        String t = tag == null ? "" : tag.trim().toLowerCase();
        if (!TAG.matcher(t).matches()) {
          throw ApiException.field(
              400,
              "tag '"
                  + (tag == null ? "" : tag)
                  + "' must be 1-30 letters, digits, spaces or . _ + -",
              "tags",
              "invalid tag");
        }
        tags.add(t);
      }
      if (tags.size() > MAX_TAGS) {
        throw ApiException.field(400, "at most " + MAX_TAGS + " tags per run", "tags", "too many");
      }
      run.tags = String.join(",", tags);
    }
    if (body.remarks() != null) {
      if (body.remarks().length() > 4000) {
        throw ApiException.field(
            400, "remarks are longer than 4000 characters", "remarks", "too long");
      }
      run.remarks = body.remarks().isBlank() ? null : body.remarks().trim();
    }
    audit.record(caller.name(), "run-annotated", "run " + id, "tags " + run.tags);
    return publish(run);
  }

  /** Archives ({@code archived} true) or restores a run; a lead's call. */
  @Transactional
  public RunView archive(long id, boolean archived, Caller caller) {
    Run run = RunService.find(id);
    caller.lead(run.teamId, "run", id, "archive or restore runs");
    if (archived && !run.state.terminal()) {
      throw new ApiException(
          409, "run " + id + " is still " + run.state.name().toLowerCase() + ": cancel it first");
    }
    run.archivedAt = archived ? Instant.now() : null;
    audit.record(caller.name(), archived ? "run-archived" : "run-restored", "run " + id, run.name);
    return publish(run);
  }

  /** The stored comma-separated tags as a list. */
  static List<String> tags(String stored) {
    return stored == null || stored.isBlank() ? List.of() : Arrays.asList(stored.split(","));
  }

  private RunView publish(Run run) {
    RunView view = mapper.view(run);
    changed.fire(new RunEvents.Changed(view));
    return view;
  }
}
