package io.kiln.backend.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Something people are told about, written in the same transaction as the change it reports (the
 * outbox): a run ended, a review was asked for or decided. {@code fact} names what happened once
 * ("run-ended:12"), so publishing the same change again writes no second event.
 */
@Entity
@Table(name = "notify_event")
public class NotifyEvent extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String kind;

  @Column(nullable = false, unique = true)
  public String fact;

  @Column(name = "team_id")
  public Long teamId;

  @Column(name = "run_id")
  public Long runId;

  public String actor;

  /** The event's facts as JSON: what webhook bodies carry and the pages word. */
  @Column(nullable = false, length = 20000)
  public String payload;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
