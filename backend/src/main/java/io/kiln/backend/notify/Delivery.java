package io.kiln.backend.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One event to one webhook or one person's e-mail: pending until a worker gets a 2xx answer
 * (delivered) or gives up after the last attempt (failed). Its id travels as {@code Kiln-Delivery},
 * so a receiver that gets it twice (a worker died after sending, before marking it) can drop the
 * repeat.
 */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {
  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(optional = false)
  @JoinColumn(name = "event_id")
  public NotifyEvent event;

  public static final String WEBHOOK = "webhook";
  public static final String EMAIL = "email";

  /**
   * {@link #WEBHOOK} (to {@code webhookId}) or {@link #EMAIL} (to the person {@code recipient}).
   */
  @Column(nullable = false)
  public String channel = WEBHOOK;

  @Column(name = "webhook_id")
  public Long webhookId;

  /** The username an e-mail goes to (their address is read when it is sent). */
  public String recipient;

  @Column(nullable = false)
  public String state = PENDING;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "next_attempt_at", nullable = false)
  public Instant nextAttemptAt;

  @Column(name = "claimed_until")
  public Instant claimedUntil;

  @Column(name = "last_status")
  public Integer lastStatus;

  @Column(name = "last_error", length = 1000)
  public String lastError;

  @Column(name = "last_millis")
  public Long lastMillis;

  @Column(name = "delivered_at")
  public Instant deliveredAt;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
