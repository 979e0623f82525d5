package io.kiln.backend.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One line of the audit log: who did what to what, when and from where. */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public Instant at;

  @Column(nullable = false)
  public String actor;

  @Column(nullable = false)
  public String action;

  public String target;

  @Column(length = 2000)
  public String detail;

  public String address;
}
