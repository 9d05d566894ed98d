package io.dualrepo.spring.hibernate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.spring.jobs.Job;
import io.dualrepo.spring.jobs.JobStart;
import io.dualrepo.spring.jobs.JobState;
import io.dualrepo.spring.jobs.MigrationJobs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code dualrepo.migration-record.enabled} and {@code dualrepo.schema.create-tables}, each in an application of its
 * own on a database of its own.
 */
class BookRecordPropertiesTest {

    @Test
    void withTheRecordDisabledNoneIsBuiltAndTheRuntimeKeepsItsOwn() {
        try (ConfigurableApplicationContext context = start("dualrepo.migration-record.enabled=false")) {
            assertThat(context.getBeanProvider(MigrationRecord.class).getIfAvailable()).isNull();
            MigrationRecord record = context.getBean(DualRepo.class).migrationRecord();
            assertThat(record).isNotInstanceOf(DatabaseMigrationRecord.class);
            assertThat(tables(context)).doesNotContain("DUALREPO_MIGRATION");
            // The jobs still run, against the runtime's record.
            assertThat(context.getBean(MigrationJobs.class).repositories()).containsExactly("books");
        }
    }

    @Test
    void withoutCreatingTablesAMissingRecordTableStopsTheStartUpNamingIt() {
        assertThatThrownBy(() -> start("dualrepo.schema.create-tables=false").close())
                .hasStackTraceContaining("dualrepo.schema.create-tables=false: the migration record in table"
                        + " dualrepo_migration was built with createTables(false), and in its database (schema PUBLIC)"
                        + " table dualrepo_migration is missing; table dualrepo_migration_history is missing. Create"
                        + " the library's tables before it starts with the scripts in dual-repo-hibernate's jar:"
                        + " Flyway location classpath:db/dualrepo/flyway/{vendor}");
    }

    @Test
    void withoutCreatingTablesTheJobsCreateNoneEither() throws Exception {
        // The record's tables there, as a Flyway run of the library's script would leave them; the jobs' not.
        String url = newDatabase();
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            String script = new String(DatabaseMigrationRecord.class
                    .getResourceAsStream("/db/dualrepo/flyway/h2/R__dualrepo_tables.sql").readAllBytes());
            for (String statement : script.replaceAll("--[^\n]*", "").split(";")) {
                if (statement.contains("dualrepo_migration")) {
                    connection.createStatement().execute(statement);
                }
            }
        }
        try (ConfigurableApplicationContext context = startOn(url, "dualrepo.schema.create-tables=false",
                "dualrepo.repositories.books.stage=DUAL_WRITE")) {
            MigrationJobs jobs = context.getBean(MigrationJobs.class);
            assertThat(jobs.start("books", Job.BACKFILL).outcome()).isEqualTo(JobStart.Outcome.STARTED);
            JobState backfill = awaitEnd(jobs, Job.BACKFILL);
            assertThat(backfill.status()).isEqualTo(JobState.Status.FAILED);
            assertThat(backfill.failure()).contains("createTables(false)").contains("dualrepo_backfill");
            assertThat(tables(context)).noneMatch(table -> table.startsWith("DUALREPO_BACKFILL"));
        }
    }

    private static JobState awaitEnd(MigrationJobs jobs, Job job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jobs.isRunning("books") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return jobs.state("books", job).orElseThrow();
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return startOn(newDatabase(), properties);
    }

    private static ConfigurableApplicationContext startOn(String url, String... properties) {
        return new SpringApplicationBuilder(BookApplication.class).web(WebApplicationType.NONE)
                .properties("spring.datasource.url=" + url, "spring.datasource.username=sa",
                        "spring.jpa.hibernate.ddl-auto=create-drop")
                .properties(properties)
                .run();
    }

    private static String newDatabase() {
        return "jdbc:h2:mem:books_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                + ";DB_CLOSE_DELAY=-1";
    }

    private static List<String> tables(ConfigurableApplicationContext context) {
        try (Connection connection = context.getBean(DataSource.class).getConnection();
                var result = connection.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
            List<String> names = new ArrayList<>();
            while (result.next()) {
                names.add(result.getString("TABLE_NAME"));
            }
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
