package io.kiln.backend.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Runs a periodic task once across the backend replicas sharing a database, whichever of their
 * timers fires first: a replica runs the task only when its update moves the task's due time
 * forward. The update is atomic (PostgreSQL re-checks the condition after waiting on the row's
 * lock), so two replicas never both see it due.
 */
@ApplicationScoped
public class ClusterSchedule {
  private final DataSource dataSource;

  ClusterSchedule(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Whether this replica runs {@code task} now; if so, nobody runs it again for {@code every} (less
   * a tenth, so the replica whose timer set the pace keeps it).
   */
  public boolean claim(String task, Duration every) {
    long now = System.currentTimeMillis();
    long next = now + every.toMillis() * 9 / 10;
    try (Connection c = dataSource.getConnection();
        PreparedStatement update =
            c.prepareStatement(
                "update scheduled_task set due_at = ? where name = ? and due_at <= ?")) {
      update.setLong(1, next);
      update.setString(2, task);
      update.setLong(3, now);
      if (update.executeUpdate() == 1) {
        return true;
      }
      return insertFirst(c, task, next);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot schedule " + task + ": " + e.getMessage(), e);
    }
  }

  /** A task nobody has run yet: the replica whose insert succeeds runs it. */
  private static boolean insertFirst(Connection c, String task, long next) {
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into scheduled_task (name, due_at) select ?, ? where not exists"
                + " (select 1 from scheduled_task where name = ?)")) {
      insert.setString(1, task);
      insert.setLong(2, next);
      insert.setString(3, task);
      return insert.executeUpdate() == 1;
    } catch (SQLException raced) {
      return false; // another replica inserted it at the same moment
    }
  }
}
