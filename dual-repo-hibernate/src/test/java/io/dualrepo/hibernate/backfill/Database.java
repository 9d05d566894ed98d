package io.dualrepo.hibernate.backfill;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * A database of its own for one test: in-memory H2 by default, a fresh schema in the local PostgreSQL with
 * {@code -Ppostgresql}. The same as {@code io.dualrepo.hibernate.TestDatabase}, which this package cannot see.
 */
final class Database implements AutoCloseable {

    private static final String POSTGRES_URL = System.getProperty("dualrepo.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String POSTGRES_USER = System.getProperty("dualrepo.test.postgresql.user", "postgres");

    final String url;
    private final String user;
    private final String schema;

    private Database(String url, String user, String schema) {
        this.url = url;
        this.user = user;
        this.schema = schema;
    }

    static boolean postgresql() {
        return "postgresql".equals(System.getProperty("dualrepo.test.database"));
    }

    static Database create() {
        String name = "dualrepo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (postgresql()) {
            try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("create schema " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create a schema in " + POSTGRES_URL + " (is PostgreSQL up?)", e);
            }
            return new Database(POSTGRES_URL + "?currentSchema=" + name, POSTGRES_USER, name);
        }
        return new Database("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", null);
    }

    SessionFactory sessionFactory(Class<?>... entities) {
        Configuration configuration = new Configuration()
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.connection.pool_size", "12")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .setProperty("hibernate.jdbc.batch_size", "50")
                .setProperty("hibernate.show_sql", "false");
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration.buildSessionFactory();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, "");
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema " + schema + " cascade");
            }
        } else {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("shutdown");
            }
        }
    }
}
