package io.kiln.backend.run;

import io.kiln.backend.dataset.Dataset;
import io.kiln.core.run.RunState;
import io.kiln.core.run.RunStateMachine;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A training run: its recipe, where it is in its lifecycle, which agent holds its lease. */
@Entity
@Table(name = "run")
public class Run extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  @ManyToOne(optional = false)
  public Dataset dataset;

  /** The flat recipe JSON. */
  @Column(nullable = false, length = 8000)
  public String recipe;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public RunState state;

  @Column(name = "agent_id")
  public Long agentId;

  @Column(name = "lease_expires_at")
  public Instant leaseExpiresAt;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "failure_reason", length = 2000)
  public String failureReason;

  public String device;

  @Column(name = "total_epochs", nullable = false)
  public int totalEpochs;

  @Column(name = "current_epoch", nullable = false)
  public int currentEpoch;

  @Column(name = "steps_per_epoch", nullable = false)
  public long stepsPerEpoch;

  @Column(name = "last_step", nullable = false)
  public long lastStep;

  @Column(name = "best_val_accuracy")
  public Double bestValAccuracy;

  @Column(name = "model_path")
  public String modelPath;

  /** True when the model archive holds {@code model.onnx} (predictions and export work). */
  @Column(name = "model_onnx", nullable = false)
  public boolean modelOnnx;

  /** Why the model has no ONNX export, when it has none. */
  @Column(name = "onnx_note")
  public String onnxNote;

  /** The channels the model takes (1 gray, 3 colour); null for models stored before V14. */
  @Column(name = "model_channels")
  public Integer modelChannels;

  /** The recipe field a settings failure names (what to change), else null. */
  @Column(name = "failure_field")
  public String failureField;

  /**
   * The final model's evaluation JSON (confusion matrix, per-class precision/recall), once
   * reported.
   */
  @Column(length = 1000000)
  public String evaluation;

  /** How a successful run ended when it is worth saying (e.g. stopped early, T15). */
  @Column(length = 2000)
  public String note;

  /** The run this one was derived from by applying a suggestion. */
  @Column(name = "parent_id")
  public Long parentId;

  /** The suggestion of the parent that this run applies. */
  @Column(name = "suggestion_id")
  public Long suggestionId;

  /** How many more follow-up runs the autopilot may start from this one (0 = off). */
  @Column(nullable = false)
  public int autopilot;

  /** True when the autopilot, not a person, started this run. */
  @Column(name = "autopilot_child", nullable = false)
  public boolean autopilotChild;

  /** What the autopilot did or decided after this run, in plain words. */
  @Column(name = "autopilot_note", length = 4000)
  public String autopilotNote;

  /** The same as a message key and arguments (JSON), for other languages; null on older rows. */
  @Column(name = "autopilot_note_text", length = 4000)
  public String autopilotNoteText;

  /** The preset the run was launched from, if any (e.g. {@code balanced}, {@code custom-3}). */
  @Column(name = "preset_id")
  public String presetId;

  /**
   * JSON: the adjustments made to the preset for this dataset ({@code applied}) and those undone.
   */
  @Column(length = 20000)
  public String adjustments;

  /** Accuracy of the final model on the held-out test split (T16), once reported. */
  @Column(name = "test_accuracy")
  public Double testAccuracy;

  /** The team that owns the run: its dataset's team. */
  @Column(name = "team_id", nullable = false)
  public Long teamId;

  /** A lead's decision: approved or rejected (null: not reviewed). */
  @Column(name = "review_state")
  public String reviewState;

  @Column(name = "review_comment", length = 4000)
  public String reviewComment;

  @Column(name = "reviewed_by")
  public String reviewedBy;

  @Column(name = "reviewed_at")
  public Instant reviewedAt;

  /** The person who cancelled the run (null: not cancelled by a person). */
  @Column(name = "cancelled_by")
  public String cancelledBy;

  /** Who asked the team's leads to review the run (issue 35), when, and with what note. */
  @Column(name = "review_requested_by")
  public String reviewRequestedBy;

  @Column(name = "review_requested_at")
  public Instant reviewRequestedAt;

  @Column(name = "review_request_note", length = 4000)
  public String reviewRequestNote;

  /** Tags, comma-separated, each trimmed and lower case. */
  @Column(nullable = false, length = 1000)
  public String tags = "";

  /** A free-text note by the team on the run. */
  @Column(length = 4000)
  public String remarks;

  /** When the run was archived (hidden from the default table, kept, restorable). */
  @Column(name = "archived_at")
  public Instant archivedAt;

  /** Images in the validation split (T16: how sure its accuracy is); null for older runs. */
  @Column(name = "validation_images")
  public Integer validationImages;

  /** Training speed of the last epoch (images/s). */
  @Column(name = "images_per_second")
  public Double imagesPerSecond;

  /** How many times an agent has taken the run (each is a {@link RunAttempt}). */
  @Column(nullable = false)
  public int attempts;

  /** The last epoch whose checkpoint is stored (0: none); a requeued run resumes after it. */
  @Column(name = "checkpoint_epoch", nullable = false)
  public int checkpointEpoch;

  /** The storage key of that checkpoint. */
  @Column(name = "checkpoint_key")
  public String checkpointKey;

  /** SHA-256 of that checkpoint as stored (hex), so the agent that downloads it can check it. */
  @Column(name = "checkpoint_sha256")
  public String checkpointSha256;

  /** Sequence numbers below this were spent by earlier attempts and are never reused. */
  @Column(name = "seq_floor", nullable = false)
  public long seqFloor;

  /** True once an out-of-memory failure halved the batch (T8); a second one fails the run. */
  @Column(nullable = false)
  public boolean shrunk;

  /** Labels the agent that takes the run must carry, comma-separated (see core's Placement). */
  @Column(name = "required_labels", nullable = false, length = 1000)
  public String requiredLabels = "";

  /** The device memory the agent must have (0: any). */
  @Column(name = "min_device_memory_bytes", nullable = false)
  public long minDeviceMemoryBytes;

  /** Higher runs are handed out first; fairness between teams orders equal priorities. */
  @Column(nullable = false)
  public int priority;

  /** The label check this run is a fold of (null for any other run). */
  @Column(name = "label_check_id")
  public Long labelCheckId;

  /** A label check's fold: the fold this run predicts, of {@code heldOutFolds}. */
  @Column(name = "held_out_fold")
  public Integer heldOutFold;

  @Column(name = "held_out_folds")
  public Integer heldOutFolds;

  @Version public long version;

  /** True while {@code agentId} holds this run's lease (assigned, running or being cancelled). */
  public boolean heldBy(long agentId) {
    return agentId == (this.agentId == null ? -1 : this.agentId) && state.leased();
  }

  /**
   * Progress from a stored metric point: the furthest step and epoch, the best validation accuracy.
   */
  void recordProgress(long step, int epoch, Double valAccuracy, Double imagesPerSecond) {
    if (imagesPerSecond != null && epoch >= currentEpoch) {
      this.imagesPerSecond = imagesPerSecond;
    }
    lastStep = Math.max(lastStep, step);
    currentEpoch = Math.max(currentEpoch, epoch);
    if (valAccuracy != null && (bestValAccuracy == null || valAccuracy > bestValAccuracy)) {
      bestValAccuracy = valAccuracy;
    }
  }

  /** Back to the end of {@code epoch} (its checkpoint), for the next attempt to resume from. */
  void rewindTo(int epoch) {
    currentEpoch = Math.min(currentEpoch, epoch);
    lastStep = Math.min(lastStep, stepsPerEpoch * epoch);
  }

  /** Moves to {@code next} through the transition table, stamping the times that go with it. */
  @jakarta.persistence.Transient private boolean justEnded;

  public void moveTo(RunState next) {
    state = RunStateMachine.transition(state, next);
    if (next == RunState.RUNNING && startedAt == null) {
      startedAt = Instant.now();
    }
    if (next.terminal()) {
      finishedAt = Instant.now();
      leaseExpiresAt = null;
      justEnded = true;
    }
  }

  /**
   * True on the instance whose state moved to an end in this transaction (not stored): what tells a
   * real ending from a later change of an ended run (a review, tags), so only the ending is
   * announced.
   */
  public boolean justEnded() {
    return justEnded;
  }
}
