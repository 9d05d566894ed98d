package io.dualrepo.hibernate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.internal.LibraryTables;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseTables;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.record.RecordEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.output.MigrateResult;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

/**
 * The shipped Flyway script and Liquibase changelog, applied with the real tools to a fresh database (H2, or a
 * PostgreSQL schema under {@code -Ppostgresql}), create exactly the tables the library creates at run time: same
 * columns, types, sizes, nullability, keys and indexes, as JDBC's catalogue reports them.
 */
class SchemaScriptsTest {

    @Test
    void flywayCreatesWhatTheLibraryCreates() throws Exception {
        try (TestDatabase scripted = TestDatabase.create(); TestDatabase runtime = TestDatabase.create()) {
            MigrateResult result = Schemas.flyway(scripted);
            assertThat(result.migrationsExecuted).isEqualTo(1);

            createAtRunTime(runtime);

            Map<String, String> byFlyway = Schemas.describe(scripted);
            assertThat(byFlyway).containsOnlyKeys(Schemas.TABLES);
            assertThat(byFlyway).isEqualTo(Schemas.describe(runtime));
            // The description holds what it should compare (so that equal descriptions mean equal tables).
            assertThat(byFlyway.get("dualrepo_quarantine")).contains("column 3 row_key", "(1000) not null",
                    "column 6 sql_state", "(5) null", "primary key [repository, target_side, row_key]",
                    "index _by_key [repository, row_key]");
            assertThat(byFlyway.get("dualrepo_pending_sync")).contains("column 1 id ", "not null generated",
                    "index _by_repository [repository, id]");
            // Run again, it changes nothing: a repeatable migration runs again only when its text changes.
            assertThat(Schemas.flyway(scripted).migrationsExecuted).isZero();
            assertThat(Schemas.describe(scripted)).isEqualTo(byFlyway);
        }
    }

    @Test
    void liquibaseCreatesWhatTheLibraryCreates() throws Exception {
        try (TestDatabase scripted = TestDatabase.create(); TestDatabase runtime = TestDatabase.create()) {
            Schemas.liquibase(scripted);
            createAtRunTime(runtime);

            Map<String, String> byLiquibase = Schemas.describe(scripted);
            assertThat(byLiquibase).containsOnlyKeys(Schemas.TABLES);
            assertThat(byLiquibase).isEqualTo(Schemas.describe(runtime));
            Schemas.liquibase(scripted);
            assertThat(scripted.rows("select id, exectype from databasechangelog"))
                    .containsExactly("dualrepo-tables-" + Schemas.vendor() + " EXECUTED");
        }
    }

    @Test
    void theLibrarysScriptNeverBlocksTheApplicationsVersions() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            // An application on its own migrations adds the library's location later, then ships its next version.
            assertThat(Schemas.flyway(database, false, "classpath:db/schematest/v1").migrationsExecuted).isEqualTo(1);
            MigrateResult added = Schemas.flyway(database, false, "classpath:db/schematest/v1",
                    Schemas.dualRepoLocation());
            assertThat(added.migrationsExecuted).isEqualTo(1);
            MigrateResult next = Schemas.flyway(database, false, "classpath:db/schematest/v1",
                    "classpath:db/schematest/v2", Schemas.dualRepoLocation());
            assertThat(next.migrationsExecuted).isEqualTo(1);
            assertThat(next.targetSchemaVersion).isEqualTo("2");
            assertThat(Schemas.describe(database)).containsOnlyKeys(Schemas.TABLES);
            assertThat(database.rows("select id from app_things")).isEmpty();
        }
    }

    @Test
    void theScriptsAreTheSameForBothDatabasesAndTheirLengthsAreTheOnesTheCodeCuts() throws IOException {
        assertThat(resource("db/dualrepo/flyway/h2/R__dualrepo_tables.sql"))
                .isEqualTo(resource("db/dualrepo/flyway/postgresql/R__dualrepo_tables.sql"));
        assertThat(LibraryTables.statements("h2", LibraryTables.asDeclared(QuarantineStore.TABLE)))
                .anyMatch(ddl -> ddl.contains("row_key varchar(" + QuarantineStore.MAX_KEY_LENGTH + ") not null"));
        assertThat(LibraryTables.statements("h2", LibraryTables.asDeclared(PendingSyncTable.DEFAULT_NAME)))
                .anyMatch(ddl -> ddl.contains("sync_key varchar(" + PendingSyncTable.MAX_KEY_LENGTH + ") not null"));
        assertThat(LibraryTables.statements("h2", LibraryTables.asDeclared("dualrepo_migration_history")))
                .anyMatch(ddl -> ddl.contains("detail varchar(" + RecordEntry.MAX_DETAIL + ") not null"));
    }

    @Test
    void aRenamedTableGetsItsIndexesRenamedAndItsSchema() {
        assertThat(LibraryTables.statements("postgresql", Map.of(PendingSyncTable.DEFAULT_NAME, "ops.pending")))
                .containsExactly("create table if not exists ops.pending (id bigint generated by default as identity"
                        + " primary key, repository varchar(200) not null, sync_key varchar(1000) not null,"
                        + " target_side varchar(3) not null, created_at timestamp with time zone not null,"
                        + " attempts integer not null, last_error varchar(1000))",
                        "create index if not exists pending_by_repository on ops.pending (repository, id)",
                        "create index if not exists pending_by_key on ops.pending (repository, sync_key)");
        assertThat(LibraryTables.statements("h2", Map.of("dualrepo_migration", "audit.rec",
                "dualrepo_migration_history", "audit.rec_history")))
                .contains("create index if not exists rec_history_by_repository on audit.rec_history (repository, id)",
                        "alter table audit.rec add column if not exists new_rows_verified_at timestamp with time"
                                + " zone");
    }

    @Test
    void renamedTablesAreCreatedAndUsable() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            SessionFactory sessions = database.sessionFactory();
            try {
                PendingSyncTable table = PendingSyncTable.named("ops_pending");
                table.createIfMissing(sessions);
                DatabaseMigrationRecord record = DatabaseMigrationRecord.builder(sessions).table("ops_record").build();
                assertThat(table.count(sessions, "persons")).isZero();
                assertThat(record.read("persons")).isEmpty();
                assertThat(record.history("persons", 1)).isEmpty();
                // The same with creation off: the check finds them under their names.
                DatabaseMigrationRecord.builder(sessions).table("ops_record").createTables(false).build();
            } finally {
                sessions.close();
            }
        }
    }

    /** Every table, created the way the library creates each when nothing made it first. */
    static void createAtRunTime(TestDatabase database) {
        SessionFactory sessions = database.sessionFactory();
        try {
            PendingSyncTable.defaults().createIfMissing(sessions);
            DatabaseMigrationRecord.builder(sessions).build();
            Quarantine.createIfMissing(sessions);
            for (LeaseTables tables : List.of(LeaseTables.BACKFILL, LeaseTables.VERIFY)) {
                LeaseStore store = new LeaseStore(tables, "job", Clock.systemUTC(), Duration.ofMinutes(1));
                Transactions.of(sessions).runInTransaction(store::createTables);
            }
        } finally {
            sessions.close();
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = SchemaScriptsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
