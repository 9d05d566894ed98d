package io.dualrepo.benchmarks.backfill;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * A PostgreSQL schema of its own for one benchmark trial, with the old table loaded and the new one empty; {@link
 * #close()} drops it. Where the database is: system properties {@code dualrepo.benchmark.postgresql.url} (default
 * {@value #DEFAULT_URL}), {@code dualrepo.benchmark.postgresql.user} ({@code postgres}) and {@code
 * dualrepo.benchmark.postgresql.password} (empty).
 */
public final class IncidentTables implements AutoCloseable {

    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    /** Organisations the incidents belong to; each has the four {@link #STATUSES}. */
    public static final int ORGANISATIONS = 1000;
    public static final List<String> STATUSES = List.of("investigating", "fixing", "monitoring", "closed");

    /**
     * The ceiling: the whole copy as one statement inside the database, the same rows and the same status lookup as
     * the backfill.
     */
    public static final String INSERT_SELECT = "insert into incidents_v2 (id, organisation_id, title,"
            + " incident_status_id) select i.id, i.organisation_id, i.title, s.id from incidents i"
            + " join incident_statuses s on s.organisation_id = i.organisation_id and s.name = i.status";

    /**
     * The verifier's ceiling: the whole comparison as one query inside the database, both tables read in full and
     * joined on the key, each column compared (the status by name, as the models see it). Counts the keys missing on
     * either side or differing.
     */
    public static final String FULL_OUTER_JOIN = "select count(*) from incidents i full outer join"
            + " (select v.id, v.organisation_id, v.title, s.name as status from incidents_v2 v"
            + " join incident_statuses s on s.id = v.incident_status_id) n on n.id = i.id"
            + " where i.id is null or n.id is null or i.organisation_id <> n.organisation_id or i.title <> n.title"
            + " or i.status <> n.status";

    private static final String BACKFILL_TABLES = "dualrepo_backfill_lease, dualrepo_backfill_checkpoint";
    private static final String VERIFY_TABLES = "dualrepo_verify_lease, dualrepo_verify_checkpoint";

    private final String url;
    private final String user;
    private final String password;
    private final String schema;

    private IncidentTables(String url, String user, String password, String schema) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
    }

    /** A new, empty schema named {@code dualrepo_bench_} and a random suffix. */
    public static IncidentTables create() {
        String url = System.getProperty("dualrepo.benchmark.postgresql.url", DEFAULT_URL);
        String user = System.getProperty("dualrepo.benchmark.postgresql.user", "postgres");
        String password = System.getProperty("dualrepo.benchmark.postgresql.password", "");
        String schema = "dualrepo_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + " in " + url + " as " + user
                    + " (is PostgreSQL up? set -Ddualrepo.benchmark.postgresql.url=...)", e);
        }
        return new IncidentTables(url, user, password, schema);
    }

    public String schema() {
        return schema;
    }

    /**
     * Creates the statuses and the old table with {@code rows} incidents, ids 1 to {@code rows}, spread over the
     * organisations and statuses, then vacuums and analyses them as a table that has been in use would be.
     */
    public void load(int rows) {
        execute("create table incident_statuses (id bigint primary key, organisation_id text not null,"
                        + " name text not null, unique (organisation_id, name))",
                "insert into incident_statuses (id, organisation_id, name) select o * 10 + s, 'org-' || o,"
                        + " (array['" + String.join("', '", STATUSES) + "'])[s]"
                        + " from generate_series(0, " + (ORGANISATIONS - 1) + ") o,"
                        + " generate_series(1, " + STATUSES.size() + ") s",
                "create table incidents (id bigint primary key, organisation_id text not null, title text not null,"
                        + " status text not null)",
                "insert into incidents (id, organisation_id, title, status) select i, 'org-' || (i % " + ORGANISATIONS
                        + "), 'Incident ' || i || ': p99 latency above threshold on the checkout service',"
                        + " (array['" + String.join("', '", STATUSES) + "'])[1 + (i / 7) % " + STATUSES.size() + "]"
                        + " from generate_series(1, " + rows + ") i",
                "vacuum analyze incident_statuses",
                "vacuum analyze incidents");
    }

    /**
     * An empty new table (dropped and created again, with its primary key and, when {@code foreignKey}, its foreign
     * key to the statuses), no backfill checkpoint or lease tables, and a checkpoint of the database's own, so that
     * every iteration starts with the write-ahead log in the same state.
     */
    public void freshNewTable(boolean foreignKey) {
        execute("drop table if exists incidents_v2",
                "drop table if exists " + BACKFILL_TABLES,
                "create table incidents_v2 (id bigint primary key, organisation_id text not null,"
                        + " title text not null, incident_status_id bigint not null"
                        + (foreignKey ? " references incident_statuses" : "") + ")",
                "checkpoint");
    }

    /**
     * A new table holding the old one's rows (copied in the database), but for {@code differing} evenly spread rows
     * whose title was changed; no verifier tables; vacuumed and analysed as the old table is.
     */
    public void copiedNewTable(int differing, int rows) {
        freshNewTable(true);
        execute("drop table if exists " + VERIFY_TABLES, INSERT_SELECT,
                "update incidents_v2 set title = title || ' (edited)' where id % " + Math.max(1, rows / differing)
                        + " = 0",
                "vacuum analyze incidents_v2",
                "checkpoint");
    }

    /**
     * The state a failed secondary leaves for the pending-sync repair: the new table a copy of the old, but for
     * {@code pending} evenly spread rows whose title is stale, each key with a row in {@code pendingTable} (target
     * NEW, a minute old); vacuumed and analysed.
     */
    public void pendingKeys(String pendingTable, int pending, int rows) {
        copiedNewTable(pending, rows);
        execute("delete from " + pendingTable,
                "insert into " + pendingTable + " (repository, sync_key, target_side, created_at, attempts)"
                        + " select 'incidents', id::text, 'NEW', now() - interval '1 minute', 0 from incidents"
                        + " where id % " + Math.max(1, rows / pending) + " = 0",
                "vacuum analyze " + pendingTable,
                "checkpoint");
    }

    /** Rows of {@code table}. */
    public long rows(String table) {
        return count("select count(*) from " + table);
    }

    /** Fails unless the new table holds exactly the old table's {@code rows} incidents, column for column. */
    public void checkCopied(long rows) {
        long copied = count("select count(*) from incidents_v2");
        long matching = count("select count(*) from incidents i join incidents_v2 v on v.id = i.id"
                + " join incident_statuses s on s.id = v.incident_status_id"
                + " where v.organisation_id = i.organisation_id and v.title = i.title and s.name = i.status");
        if (copied != rows || matching != rows) {
            throw new IllegalStateException("the copy is wrong: incidents_v2 holds " + copied + " rows, of which "
                    + matching + " match the old table; expected " + rows);
        }
    }

    /** A session factory over the schema, for both models (the new tables live next to the old). */
    public SessionFactory sessionFactory(boolean reWriteBatchedInserts, int jdbcBatchSize) {
        return sessionFactory(reWriteBatchedInserts, jdbcBatchSize, 4);
    }

    /** The same with {@code poolSize} connections: a verifier's worker holds two at once while it claims. */
    public SessionFactory sessionFactory(boolean reWriteBatchedInserts, int jdbcBatchSize, int poolSize) {
        return new Configuration()
                .setProperty("hibernate.connection.url", url(reWriteBatchedInserts))
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.connection.password", password)
                .setProperty("hibernate.connection.pool_size", Integer.toString(poolSize))
                .setProperty("hibernate.jdbc.batch_size", Integer.toString(jdbcBatchSize))
                .setProperty("hibernate.order_inserts", "true")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .addAnnotatedClass(IncidentV2Row.class)
                .addAnnotatedClass(LegacyIncidentRow.class)
                .buildSessionFactory();
    }

    @Override
    public void close() {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop schema " + schema, e);
        }
    }

    private String url(boolean reWriteBatchedInserts) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema + "&reWriteBatchedInserts="
                + reWriteBatchedInserts;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url(false), user, password);
    }

    private void execute(String... statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("in schema " + schema + ": " + String.join("; ", statements), e);
        }
    }

    private long count(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
