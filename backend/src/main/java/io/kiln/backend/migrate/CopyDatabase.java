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
    boolean empty = args.length == 5 && args[4].equals("--empty-target-first");
    if (args.length != 4 && !empty) {
      System.err.println(
          "Usage: CopyDatabase KILN_DATA_DIR POSTGRESQL_JDBC_URL USER PASSWORD"
              + " [--empty-target-first]\n"
              + "  copies the H2 database under KILN_DATA_DIR/db into the PostgreSQL database that"
              + " Kiln's PostgreSQL build has started on once (which made its schema and its first"
              + " rows: --empty-target-first removes them, in the same transaction)");
      System.exit(2);
    }
    // IFEXISTS: a mistyped data directory is an error, not a new empty database copied "fine".
    String h2 = "jdbc:h2:file:" + args[0] + "/db/kiln;ACCESS_MODE_DATA=r;IFEXISTS=TRUE";
    // The embedded database's own account (application.properties).
    try (Connection from = DriverManager.getConnection(h2, "kiln", "kiln");
        Connection to = DriverManager.getConnection(args[1], args[2], args[3])) {
      for (Map.Entry<String, Long> copied : copy(from, to, empty).entrySet()) {
        System.out.printf("%-28s %d rows%n", copied.getKey(), copied.getValue());
      }
      System.out.println("done: start Kiln's PostgreSQL build on " + args[1]);
    } catch (IllegalStateException | SQLException e) {
      // Nothing was written: the copy is one transaction, rolled back on any failure.
      System.err.println("CopyDatabase: " + e.getMessage() + " (nothing was copied)");
      System.exit(1);
    }
  }

  /**
   * Copies every table; returns the rows copied per table, in the order copied.
   *
   * @param emptyFirst whether to remove the target's rows first (a fresh installation's admin and
   *     seeded rows), else a target with rows is refused
   */
  public static Map<String, Long> copy(Connection from, Connection to, boolean emptyFirst)
      throws SQLException {
    to.setAutoCommit(false);
    try {
      Plan plan = plan(to);
      List<String> tables = plan.tables();
      if (emptyFirst) {
        try (Statement s = to.createStatement()) {
          s.execute("truncate " + String.join(", ", tables) + " cascade");
        }
      }
      for (String table : tables) {
        if (count(to, table) > 0) {
          throw new IllegalStateException(
              "the target's table "
                  + table
                  + " has rows already (a first start writes some): add --empty-target-first to"
                  + " replace them");
        }
      }
      Map<String, Long> copied = new LinkedHashMap<>();
      for (String table : tables) {
        copied.put(table, copyTable(from, to, table, plan.later(table)));
      }
      for (Map.Entry<String, Set<String>> later : plan.later().entrySet()) {
        for (String column : later.getValue()) {
          fillIn(from, to, later.getKey(), column);
        }
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

  /**
   * @param later columns left empty now (they refer to a table copied after this one) and filled in
   *     once every row is there
   */
  private static long copyTable(Connection from, Connection to, String table, Set<String> later)
      throws SQLException {
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
          write.setObject(c, later.contains(columns.get(c - 1)) ? null : plain(rs.getObject(c)));
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

  /** Sets a column left empty by {@link #copyTable}, row by row by id. */
  private static void fillIn(Connection from, Connection to, String table, String column)
      throws SQLException {
    try (Statement read = from.createStatement();
        ResultSet rs =
            read.executeQuery(
                "select id, " + column + " from " + table + " where " + column + " is not null");
        PreparedStatement write =
            to.prepareStatement("update " + table + " set " + column + " = ? where id = ?")) {
      int n = 0;
      while (rs.next()) {
        write.setObject(1, rs.getObject(2));
        write.setObject(2, rs.getObject(1));
        write.addBatch();
        if (++n % BATCH == 0) {
          write.executeBatch();
        }
      }
      write.executeBatch();
    }
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

  /**
   * The order to copy in, and the columns to fill in afterwards.
   *
   * @param tables Kiln's tables (Flyway's own left out), each after the tables it refers to
   * @param later per table, the columns that refer to a table copied after it (where two tables
   *     refer to each other, e.g. a run and the suggestion it was made from)
   */
  record Plan(List<String> tables, Map<String, Set<String>> later) {
    Set<String> later(String table) {
      return later.getOrDefault(table, Set.of());
    }
  }

  static Plan plan(Connection to) throws SQLException {
    Set<String> tables = new LinkedHashSet<>();
    try (Statement s = to.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select table_name from information_schema.tables where table_schema = 'public'"
                    + " and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history'"
                    + " order by table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    // child table -> (column -> parent table)
    Map<String, Map<String, String>> refers = new LinkedHashMap<>();
    tables.forEach(t -> refers.put(t, new LinkedHashMap<>()));
    try (Statement s = to.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select kcu.table_name, kcu.column_name, ccu.table_name"
                    + " from information_schema.table_constraints tc"
                    + " join information_schema.key_column_usage kcu"
                    + " on tc.constraint_name = kcu.constraint_name"
                    + " and tc.table_schema = kcu.table_schema"
                    + " join information_schema.constraint_column_usage ccu"
                    + " on tc.constraint_name = ccu.constraint_name"
                    + " and tc.table_schema = ccu.table_schema"
                    + " where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'")) {
      while (rs.next()) {
        String child = rs.getString(1);
        String parent = rs.getString(3);
        if (!child.equals(parent) && refers.containsKey(child)) {
          refers.get(child).put(rs.getString(2), parent);
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    Map<String, Set<String>> later = new LinkedHashMap<>();
    while (ordered.size() < tables.size()) {
      boolean progress = false;
      for (String t : tables) {
        if (!ordered.contains(t) && waitingFor(t, refers, ordered, later).isEmpty()) {
          ordered.add(t);
          progress = true;
        }
      }
      if (!progress) {
        // A cycle: a waiting table whose references to the others may be empty goes now, and
        // those columns are filled in once every row is there.
        String t =
            tables.stream()
                .filter(x -> !ordered.contains(x))
                .filter(x -> nullable(to, x).containsAll(waitingFor(x, refers, ordered, later)))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "tables refer to each other through columns that may not be empty: "
                                + refers));
        later
            .computeIfAbsent(t, k -> new LinkedHashSet<>())
            .addAll(waitingFor(t, refers, ordered, later));
        ordered.add(t);
      }
    }
    return new Plan(ordered, later);
  }

  /** The columns of {@code table} that refer to a table not copied yet (and not deferred). */
  private static Set<String> waitingFor(
      String table,
      Map<String, Map<String, String>> refers,
      List<String> ordered,
      Map<String, Set<String>> later) {
    Set<String> waiting = new LinkedHashSet<>();
    refers
        .get(table)
        .forEach(
            (column, parent) -> {
              if (!ordered.contains(parent)
                  && !later.getOrDefault(table, Set.of()).contains(column)) {
                waiting.add(column);
              }
            });
    return waiting;
  }

  /** The columns of {@code table} that may hold null. */
  private static Set<String> nullable(Connection to, String table) {
    Set<String> columns = new LinkedHashSet<>();
    try (PreparedStatement ps =
        to.prepareStatement(
            "select column_name from information_schema.columns where table_schema = 'public'"
                + " and table_name = ? and is_nullable = 'YES'")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the columns of " + table, e);
    }
    return columns;
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
