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

/** An event in one person's in-app list (the bell), unread until they open it. */
@Entity
@Table(name = "notice")
public class Notice extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(optional = false)
  @JoinColumn(name = "event_id")
  public NotifyEvent event;

  @Column(nullable = false)
  public String username;

  @Column(name = "read_at")
  public Instant readAt;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
