package io.kiln.backend.migrate;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves an installation from the embedded H2 database to PostgreSQL: copies every row of every
 * table into a PostgreSQL database whose schema Kiln's own start made (Flyway, the same
 * migrations), parents before children, then moves each identity sequence past the copied ids. One
 * transaction: it copies everything or nothing, and it refuses a target that holds rows already.
 * The backend must be stopped (H2 is opened read-only).
 *
 * <pre>
 * java -cp 'backend/target/quarkus-app-postgresql/lib/main/*:backend/target/quarkus-app-postgresql/app/*' \
 *   io.kiln.backend.migrate.CopyDatabase ~/.kiln jdbc:postgresql://db:5432/kiln kiln PASSWORD
 * </pre>
 */
public final class CopyDatabase {
  private static final int BATCH = 500;

  private CopyDatabase() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "Usage: CopyDatabase KILN_DATA_DIR POSTGRESQL_JDBC_URL USER PASSWORD\n"
              + "  copies the H2 database under KILN_DATA_DIR/db into an empty PostgreSQL"
              + " database that Kiln's PostgreSQL build has started on once");
      System.exit(2);
    }
    String h2 = "jdbc:h2:file:" + args[0] + "/db/kiln;ACCESS_MODE_DATA=r";
    // The embedded database's own account (application.properties).
    try (Connection from = DriverManager.getConnection(h2, "kiln", "kiln");
        Connection to = DriverManager.getConnection(args[1], args[2], args[3])) {
      for (Map.Entry<String, Long> copied : copy(from, to).entrySet()) {
        System.out.printf("%-28s %d rows%n", copied.getKey(), copied.getValue());
      }
      System.out.println("done: start Kiln's PostgreSQL build on " + args[1]);
    } catch (IllegalStateException e) {
      System.err.println("CopyDatabase: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Copies every table; returns the rows copied per table, in the order copied. */
  public static Map<String, Long> copy(Connection from, Connection to) throws SQLException {
    to.setAutoCommit(false);
    try {
      List<String> tables = parentsFirst(to);
      for (String table : tables) {
        if (count(to, table) > 0) {
          throw new IllegalStateException(
              "the target's table " + table + " has rows already: copy into an empty database");
        }
      }
      Map<String, Long> copied = new LinkedHashMap<>();
      for (String table : tables) {
        copied.put(table, copyTable(from, to, table));
      }
      for (String table : tables) {
        moveSequence(to, table);
      }
      to.commit();
      return copied;
    } catch (SQLException | RuntimeException e) {
      to.rollback();
      throw e;
    }
  }

  private static long copyTable(Connection from, Connection to, String table) throws SQLException {
    List<String> columns = columns(to, table);
    String list = String.join(", ", columns);
    String order = columns.contains("id") ? " order by id" : "";
    String insert =
        "insert into "
            + table
            + " ("
            + list
            + ") values ("
            + "?, ".repeat(columns.size() - 1)
            + "?)";
    long rows = 0;
    try (Statement read = from.createStatement();
        ResultSet rs = read.executeQuery("select " + list + " from " + table + order);
        PreparedStatement write = to.prepareStatement(insert)) {
      while (rs.next()) {
        for (int c = 1; c <= columns.size(); c++) {
          write.setObject(c, plain(rs.getObject(c)));
        }
        write.addBatch();
        if (++rows % BATCH == 0) {
          write.executeBatch();
        }
      }
      write.executeBatch();
    }
    return rows;
  }

  /** Large objects as plain values PostgreSQL's driver takes (bytea, text). */
  private static Object plain(Object value) throws SQLException {
    if (value instanceof Blob blob) {
      return blob.getBytes(1, (int) blob.length());
    }
    if (value instanceof Clob clob) {
      return clob.getSubString(1, (int) clob.length());
    }
    return value;
  }

  /** The next id a table gives is past the copied ones. */
  private static void moveSequence(Connection to, String table) throws SQLException {
    if (!columns(to, table).contains("id")) {
      return;
    }
    String sequence;
    try (PreparedStatement find = to.prepareStatement("select pg_get_serial_sequence(?, 'id')")) {
      find.setString(1, table);
      try (ResultSet rs = find.executeQuery()) {
        sequence = rs.next() ? rs.getString(1) : null;
      }
    }
    if (sequence == null) {
      return;
    }
    try (PreparedStatement move =
        to.prepareStatement(
            "select setval(?, (select coalesce(max(id), 0) + 1 from " + table + "), false)")) {
      move.setString(1, sequence);
      move.execute();
    }
  }

  /** Kiln's tables (Flyway's own left out), each after the tables it refers to. */
  static List<String> parentsFirst(Connection to) throws SQLException {
    Set<String> tables = new LinkedHashSet<>();
    try (ResultSet rs =
        to.createStatement()
            .executeQuery(
                "select table_name from information_schema.tables where table_schema = 'public'"
                    + " and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history'"
                    + " order by table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    tables.forEach(t -> parents.put(t, new LinkedHashSet<>()));
    try (ResultSet rs =
        to.createStatement()
            .executeQuery(
                "select tc.table_name, ccu.table_name from information_schema.table_constraints tc"
                    + " join information_schema.constraint_column_usage ccu"
                    + " on tc.constraint_name = ccu.constraint_name"
                    + " and tc.table_schema = ccu.table_schema"
                    + " where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'")) {
      while (rs.next()) {
        String child = rs.getString(1);
        String parent = rs.getString(2);
        if (!child.equals(parent) && parents.containsKey(child)) {
          parents.get(child).add(parent);
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    while (ordered.size() < tables.size()) {
      boolean progress = false;
      for (String t : tables) {
        if (!ordered.contains(t) && ordered.containsAll(parents.get(t))) {
          ordered.add(t);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("tables refer to each other in a cycle: " + parents);
      }
    }
    return ordered;
  }

  private static List<String> columns(Connection to, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps =
        to.prepareStatement(
            "select column_name from information_schema.columns where table_schema = 'public'"
                + " and table_name = ? order by ordinal_position")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
