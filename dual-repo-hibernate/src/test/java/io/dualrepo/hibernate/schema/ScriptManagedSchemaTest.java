package io.dualrepo.hibernate.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.backfill.PersonWorld;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.PendingSyncSink;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.RepairResult;
import io.dualrepo.hibernate.model.DualPersonRepository;
import io.dualrepo.hibernate.model.LegacyPersonRow;
import io.dualrepo.hibernate.model.LegacyPersons;
import io.dualrepo.hibernate.model.Person;
import io.dualrepo.hibernate.model.PersonModels;
import io.dualrepo.hibernate.model.PersonRepository;
import io.dualrepo.hibernate.model.SplitPersonRow;
import io.dualrepo.hibernate.model.SplitPersons;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The library with table creation off ({@code createTables(false)} on every builder), on tables that only the shipped
 * scripts created, applied with the real Flyway or Liquibase: dual writes, the pending-sync repair, the migration
 * record, a backfill that quarantines a row and the verifier all work. Without the tables, each piece fails when it
 * starts, with a message that names the missing table and the scripts, and creates nothing.
 */
class ScriptManagedSchemaTest {

    enum Tool { FLYWAY, LIQUIBASE }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @ParameterizedTest
    @EnumSource(Tool.class)
    void theLibraryRunsWithCreationOffOnTablesTheScriptsCreated(Tool tool) throws Exception {
        try (PersonWorld world = PersonWorld.create(Layout.TWO_DATABASES)) {
            apply(tool, world.oldDatabase);
            apply(tool, world.newDatabase);
            world.seed(20, Map.of(3, Bad.ONE_WORD));

            DatabaseMigrationRecord record = DatabaseMigrationRecord.builder(world.oldSessions).createTables(false)
                    .build();
            CrossDatabaseScope scope = CrossDatabaseScope.builder().migration(world.migration, PersonWorld.KEYS)
                    .createTables(false).meterRegistry(registry).build();
            InMemoryRouteSource routes = InMemoryRouteSource.create();
            routes.set("persons", Stage.DUAL_WRITE);
            try (DualRepo dualRepo = DualRepo.builder().routeSource(routes).migrationRecord(record)
                    .meterRegistry(registry).dualWriteScope(scope).comparisonMode(ComparisonMode.SYNC).build();
                    PendingSyncRepair repair = PendingSyncRepair.builder().migration(world.migration)
                            .createTables(false).meterRegistry(registry).build()) {
                PersonRepository persons = new DualPersonRepository(new LegacyPersons(world.oldSessions),
                        new SplitPersons(world.newSessions), dualRepo);

                persons.save(new Person("p-00001", "Ada Lovelace"));
                // One word: the new model has no last name to store, its half fails and the key waits.
                persons.save(new Person("p-00003", PersonWorld.SECRET + "mononym"));
                assertThat(PendingSyncTable.defaults().count(world.oldSessions, "persons")).isEqualTo(1);

                BackfillResult backfill = Backfill.builder(world.migration).createTables(false)
                        .migrationRecord(record).build().run();
                assertThat(backfill.finished()).isTrue();
                // The seeded bad row, and the one the dual write put only in the old model.
                assertThat(backfill.rowsRejected()).isEqualTo(2);
                assertThat(world.quarantine()).containsOnlyKeys("p-00003", "p-00006");

                world.fixInOld(Map.of("p-00003", "Cher Sarkisian", "p-00006", "Grace Hopper"));
                RepairResult repaired = repair.repairNow();
                assertThat(repaired.keysSynced()).isEqualTo(1);
                assertThat(PendingSyncTable.defaults().count(world.oldSessions, "persons")).isZero();
                assertThat(world.quarantine()).containsOnlyKeys("p-00006");
                BackfillResult again = Backfill.builder(world.migration).createTables(false)
                        .migrationRecord(record).build().run();
                assertThat(again.rowsReleased()).isEqualTo(1);
                assertThat(world.quarantine()).isEmpty();

                assertThat(Verifier.builder(world.migration).createTables(false).meterRegistry(registry).build()
                        .verify().isClean()).isTrue();
                assertThat(world.newRows()).isEqualTo(world.oldRows()).hasSize(22);
                assertThat(record.read("persons")).isPresent();
                assertThat(record.history("persons", 10)).isNotEmpty();
            }
        }
    }

    @Test
    void withoutTheTablesEachPieceFailsAtStartNamingTheTableAndTheScripts() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            SessionFactory sessions = database.sessionFactory(LegacyPersonRow.class, SplitPersonRow.class);
            try {
                Migration<String, Person> migration = PersonModels.of(sessions, sessions);
                assertMissing(() -> DatabaseMigrationRecord.builder(sessions).createTables(false).build(),
                        "migration record in table dualrepo_migration", "table dualrepo_migration is missing;"
                                + " table dualrepo_migration_history is missing");
                assertMissing(() -> SameDatabaseScope.builder(sessions).migration(migration, PersonWorld.KEYS)
                        .createTables(false).build(), "SameDatabaseScope", "table dualrepo_pending_sync is missing");
                assertMissing(() -> CrossDatabaseScope.builder().migration(migration, PersonWorld.KEYS)
                        .createTables(false).meterRegistry(registry).build(), "CrossDatabaseScope",
                        "table dualrepo_pending_sync is missing");
                assertMissing(() -> PendingSyncSink.builder().migration(migration, PersonWorld.KEYS)
                        .createTables(false).build(), "PendingSyncSink", "table dualrepo_pending_sync is missing");
                assertMissing(() -> PendingSyncRepair.builder().migration(migration).createTables(false)
                        .meterRegistry(registry).build(), "PendingSyncRepair", "table dualrepo_pending_sync is missing");
                assertMissing(() -> Backfill.builder(migration).createTables(false).build().run(), "backfill persons",
                        "table dualrepo_backfill_checkpoint is missing; table dualrepo_backfill_lease is missing");
                assertMissing(() -> Verifier.builder(migration).createTables(false).meterRegistry(registry).build()
                        .verify(), "verify persons",
                        "table dualrepo_verify_checkpoint is missing; table dualrepo_verify_lease is missing");
                // Nothing was created on the way.
                assertThat(Schemas.describe(database)).isEmpty();
            } finally {
                sessions.close();
            }
        }
    }

    @Test
    void aTableThatLacksAColumnOrAMissingQuarantineIsNamed() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            SessionFactory sessions = database.sessionFactory(LegacyPersonRow.class, SplitPersonRow.class);
            try {
                Schemas.flyway(database, true, Schemas.dualRepoLocation());
                // As a table created before these columns existed.
                database.execute("alter table dualrepo_migration drop column old_rows_verified_at",
                        "alter table dualrepo_migration drop column new_rows_verified_at",
                        "drop table dualrepo_quarantine");
                assertMissing(() -> DatabaseMigrationRecord.builder(sessions).createTables(false).build(),
                        "dualrepo_migration", "table dualrepo_migration lacks columns old_rows_verified_at,"
                                + " new_rows_verified_at");
                Migration<String, Person> migration = PersonModels.of(sessions, sessions);
                assertMissing(() -> PendingSyncRepair.builder().migration(migration).createTables(false)
                        .meterRegistry(registry).build(), "PendingSyncRepair", "table dualrepo_quarantine is missing");
                assertMissing(() -> Backfill.builder(migration).createTables(false).build().run(), "backfill persons",
                        "table dualrepo_quarantine is missing");
                // The pending-sync table is whole: what only needs it starts.
                SameDatabaseScope.builder(sessions).migration(migration, PersonWorld.KEYS).createTables(false).build();
            } finally {
                sessions.close();
            }
        }
    }

    private static void assertMissing(ThrowingCallable start, String who, String what) {
        assertThatThrownBy(start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(who)
                .hasMessageContaining("was built with createTables(false)")
                .hasMessageContaining(what)
                .hasMessageContaining("Flyway location classpath:db/dualrepo/flyway/{vendor}")
                .hasMessageContaining("Liquibase changelog db/dualrepo/liquibase/dualrepo-changelog.xml")
                .hasMessageContaining("docs/hibernate.md");
    }

    private static void apply(Tool tool, TestDatabase database) throws Exception {
        if (tool == Tool.FLYWAY) {
            // The entity tables are there already, as in an application's schema: Flyway starts from a baseline.
            assertThat(Schemas.flyway(database, true, Schemas.dualRepoLocation()).migrationsExecuted).isEqualTo(1);
        } else {
            Schemas.liquibase(database);
        }
        assertThat(Schemas.describe(database)).containsOnlyKeys(Schemas.TABLES);
    }
}
