package io.dualrepo.spring.jpa.app;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database of its own for one test class's application: in-memory H2, or a fresh schema in the local PostgreSQL
 * when the build runs with {@code -Ppostgresql} (system property {@code dualrepo.test.database}).
 */
public final class AccountDatabase {

    private static final String POSTGRES_URL = System.getProperty("dualrepo.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String POSTGRES_USER = System.getProperty("dualrepo.test.postgresql.user", "postgres");

    private AccountDatabase() {}

    public static boolean postgresql() {
        return "postgresql".equals(System.getProperty("dualrepo.test.database"));
    }

    /** Points the application at a new database and has Hibernate create the tables. */
    public static void register(DynamicPropertyRegistry registry) {
        String name = "accounts_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (postgresql()) {
            try (var connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                    var statement = connection.createStatement()) {
                statement.execute("create schema " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("could not create a schema in " + POSTGRES_URL, e);
            }
            // The application's context outlives the test class (Spring caches it): drop the schema as the JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(name)));
            registry.add("spring.datasource.url", () -> POSTGRES_URL + "?currentSchema=" + name);
            registry.add("spring.datasource.username", () -> POSTGRES_USER);
        } else {
            registry.add("spring.datasource.url", () -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
            registry.add("spring.datasource.username", () -> "sa");
        }
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "create-drop");
    }

    private static void dropSchema(String name) {
        try (var connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + name + " cascade");
        } catch (SQLException e) {
            // Only a leftover schema in the test database: nothing a test result depends on.
        }
    }
}
