package io.dualrepo.hibernate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * A database of its own for one test: in-memory H2 by default, a fresh schema in the local PostgreSQL when the
 * build runs with {@code -Ppostgresql} (system property {@code dualrepo.test.database}); and a variant another
 * process can reach ({@link #createShared()}: an H2 file database in server mode, or a PostgreSQL schema). Closing
 * it drops what it created.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String POSTGRES_URL = System.getProperty("dualrepo.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String POSTGRES_USER = System.getProperty("dualrepo.test.postgresql.user", "postgres");

    private final String url;
    private final String user;
    private final String schema;
    private final Path directory;

    private TestDatabase(String url, String user, String schema, Path directory) {
        this.url = url;
        this.user = user;
        this.schema = schema;
        this.directory = directory;
    }

    public static boolean postgresql() {
        return "postgresql".equals(System.getProperty("dualrepo.test.database"));
    }

    /** In-memory H2, or a fresh PostgreSQL schema. */
    public static TestDatabase create() {
        String name = name();
        if (postgresql()) {
            return schema(name);
        }
        return new TestDatabase("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", null, null);
    }

    /**
     * A database a child process can open while this one has it open: an H2 file database in a temporary
     * directory with AUTO_SERVER (the first process to open it serves it to the others), or a PostgreSQL schema.
     */
    public static TestDatabase createShared() {
        String name = name();
        if (postgresql()) {
            return schema(name);
        }
        try {
            Path directory = Files.createTempDirectory("dualrepo-h2-");
            return new TestDatabase("jdbc:h2:file:" + directory.resolve(name).toAbsolutePath() + ";AUTO_SERVER=TRUE",
                    "sa", null, directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for an H2 file database", e);
        }
    }

    private static String name() {
        return "dualrepo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static TestDatabase schema(String name) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a schema in " + POSTGRES_URL + " (is PostgreSQL up?)", e);
        }
        return new TestDatabase(POSTGRES_URL + "?currentSchema=" + name, POSTGRES_USER, name, null);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** A session factory over these entities, creating their tables. */
    public SessionFactory sessionFactory(Class<?>... entities) {
        return sessionFactory(url, user, true, entities);
    }

    /** A session factory over these entities, creating their tables, with extra Hibernate settings. */
    public SessionFactory sessionFactory(java.util.Map<String, String> settings, Class<?>... entities) {
        return sessionFactory(url, user, true, settings, entities);
    }

    /** A session factory over tables that exist, for a process that did not create them. */
    public static SessionFactory attach(String url, String user, Class<?>... entities) {
        return sessionFactory(url, user, false, entities);
    }

    private static SessionFactory sessionFactory(String url, String user, boolean create, Class<?>... entities) {
        return sessionFactory(url, user, create, java.util.Map.of(), entities);
    }

    private static SessionFactory sessionFactory(String url, String user, boolean create,
            java.util.Map<String, String> settings, Class<?>... entities) {
        Configuration configuration = new Configuration()
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.connection.pool_size", "12")
                .setProperty("hibernate.jdbc.batch_size", "50")
                .setProperty("hibernate.hbm2ddl.auto", create ? "create" : "none")
                .setProperty("hibernate.show_sql", "false");
        settings.forEach(configuration::setProperty);
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration.buildSessionFactory();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, "");
    }

    /** The rows of a query, each as its columns joined by spaces, sorted by the first column. */
    public List<String> rows(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql + " order by 1")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? " " : "").append(result.getString(c));
                }
                rows.add(row.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return rows;
    }

    /** Runs statements in one connection (auto-commit). */
    public void execute(String... statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", statements), e);
        }
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("drop schema " + schema + " cascade");
            }
            return;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("shutdown");
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot delete " + directory, e);
            }
        }
    }
}
