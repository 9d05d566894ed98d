package io.dualrepo.benchmarks.endtoend;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Both models' tables, loaded with the same incidents, in a database of the trial's own: an H2 in-memory database,
 * or a PostgreSQL schema named {@code dualrepo_bench_} and a random suffix. {@link #close()} drops it. PostgreSQL is
 * found as {@code BackfillBenchmark} finds it: system properties {@code dualrepo.benchmark.postgresql.url}, {@code
 * .user} and {@code .password}.
 */
public final class IncidentDatabase implements AutoCloseable {

    public static final String H2 = "h2";
    public static final String POSTGRESQL = "postgresql";
    static final List<String> STATUSES = List.of("investigating", "fixing", "monitoring", "closed");
    static final int ORGANISATIONS = 100;

    private final String kind;
    private final String url;
    private final String user;
    private final String password;
    private final String name;

    private IncidentDatabase(String kind, String url, String user, String password, String name) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /**
     * A new database of {@code kind} ({@value #H2} or {@value #POSTGRESQL}) holding {@code rows} incidents, ids 1
     * up.
     */
    public static IncidentDatabase create(String kind, int rows) {
        String name = "dualrepo_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        IncidentDatabase database;
        if (kind.equals(H2)) {
            database = new IncidentDatabase(kind, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", name);
        } else if (kind.equals(POSTGRESQL)) {
            String server = System.getProperty("dualrepo.benchmark.postgresql.url",
                    "jdbc:postgresql://127.0.0.1:5432/test");
            String user = System.getProperty("dualrepo.benchmark.postgresql.user", "postgres");
            String password = System.getProperty("dualrepo.benchmark.postgresql.password", "");
            try (Connection connection = DriverManager.getConnection(server, user, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("create schema " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create schema " + name + " in " + server + " as " + user
                        + " (is PostgreSQL up? set -Ddualrepo.benchmark.postgresql.url=...)", e);
            }
            database = new IncidentDatabase(kind, server + (server.contains("?") ? "&" : "?") + "currentSchema="
                    + name, user, password, name);
        } else {
            throw new IllegalArgumentException("database must be " + H2 + " or " + POSTGRESQL + ", was " + kind);
        }
        try {
            database.load(rows);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    private void load(int rows) {
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table incidents (id bigint primary key, organisation_id varchar(20) not null,"
                        + " title varchar(200) not null, status varchar(20) not null)");
                statement.execute("create table incident_statuses (id bigint primary key,"
                        + " organisation_id varchar(20) not null, name varchar(20) not null,"
                        + " unique (organisation_id, name))");
                statement.execute("create table incidents_v2 (id bigint primary key,"
                        + " organisation_id varchar(20) not null, title varchar(200) not null,"
                        + " incident_status_id bigint not null references incident_statuses)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement statuses = connection.prepareStatement(
                    "insert into incident_statuses (id, organisation_id, name) values (?, ?, ?)")) {
                for (int organisation = 0; organisation < ORGANISATIONS; organisation++) {
                    for (int status = 0; status < STATUSES.size(); status++) {
                        statuses.setLong(1, statusId(organisation, status));
                        statuses.setString(2, "org-" + organisation);
                        statuses.setString(3, STATUSES.get(status));
                        statuses.addBatch();
                    }
                }
                statuses.executeBatch();
            }
            try (PreparedStatement legacy = connection.prepareStatement(
                            "insert into incidents (id, organisation_id, title, status) values (?, ?, ?, ?)");
                    PreparedStatement current = connection.prepareStatement(
                            "insert into incidents_v2 (id, organisation_id, title, incident_status_id)"
                                    + " values (?, ?, ?, ?)")) {
                for (long id = 1; id <= rows; id++) {
                    int organisation = (int) (id % ORGANISATIONS);
                    int status = (int) (id / 7 % STATUSES.size());
                    String title = "Incident " + id + ": p99 latency above threshold on the checkout service";
                    legacy.setLong(1, id);
                    legacy.setString(2, "org-" + organisation);
                    legacy.setString(3, title);
                    legacy.setString(4, STATUSES.get(status));
                    legacy.addBatch();
                    current.setLong(1, id);
                    current.setString(2, "org-" + organisation);
                    current.setString(3, title);
                    current.setLong(4, statusId(organisation, status));
                    current.addBatch();
                }
                legacy.executeBatch();
                current.executeBatch();
            }
            connection.commit();
            if (kind.equals(POSTGRESQL)) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("vacuum analyze incidents");
                    statement.execute("vacuum analyze incident_statuses");
                    statement.execute("vacuum analyze incidents_v2");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load " + kind + " database " + name, e);
        }
    }

    private static long statusId(int organisation, int status) {
        return organisation * 10L + status;
    }

    /** One session factory for both models, as when they share a database. */
    public SessionFactory sessionFactory() {
        return new Configuration()
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.connection.password", password)
                // The caller and the two comparison threads each hold one at a time.
                .setProperty("hibernate.connection.pool_size", "4")
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .addAnnotatedClass(LegacyIncidentRow.class)
                .addAnnotatedClass(IncidentStatusRow.class)
                .addAnnotatedClass(IncidentRow.class)
                .buildSessionFactory();
    }

    @Override
    public void close() {
        String drop = kind.equals(H2) ? "shutdown" : "drop schema if exists " + name + " cascade";
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(drop);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + kind + " database " + name, e);
        }
    }
}
