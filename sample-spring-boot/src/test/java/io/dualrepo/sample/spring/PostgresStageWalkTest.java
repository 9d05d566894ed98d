package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link StageWalkTest}'s walk with the application's {@code postgresql} profile, on the local PostgreSQL
 * (127.0.0.1:5432, database test, user postgres): Maven profile {@code postgresql}, which {@code .ci/run} runs.
 * Flyway, the library's tables and the traffic work in a schema of their own, dropped afterwards.
 */
@Tag("postgresql")
@ActiveProfiles("postgresql")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ComparisonLog.class)
class PostgresStageWalkTest extends StageWalk {

    private static final String SERVER = System.getProperty("sample.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("sample.test.postgresql.user", "postgres");
    private static final String SCHEMA = "sample_spring_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);

    @DynamicPropertySource
    static void inASchemaOfItsOwn(DynamicPropertyRegistry properties) throws SQLException {
        execute("create schema " + SCHEMA);
        properties.add("spring.datasource.url", () -> SERVER + "?currentSchema=" + SCHEMA);
        properties.add("spring.datasource.username", () -> USER);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        // The application's pool is still open (Spring closes cached contexts at exit), but idle: it holds no lock.
        execute("set lock_timeout = '30s'; drop schema " + SCHEMA + " cascade");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Autowired
    private DataSource dataSource;

    @Test
    void everyStageUnderTrafficLosesNoWriteOnPostgreSql() throws Exception {
        // The walk's own checks pass on H2 too: make sure this one ran where it says.
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(connection.getSchema()).isEqualTo(SCHEMA);
        }
        StageWalkTest.walk(this, this::takenThroughTheEndpoint, true);
    }
}
