package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OLD and NEW in two databases with {@link CrossDatabaseScope}: what each write leaves in both models and in the
 * pending-sync table, checked on the databases themselves, and the repair bringing them together.
 */
class CrossDatabaseScopeTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TwoDatabases databases;
    private SwitchableFailure oldModel;
    private SwitchableFailure newModel;
    private DualRepo dualRepo;
    private IncidentRepository incidents;
    private PendingSyncRepair repair;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        routes.set("incidents", Stage.DUAL_WRITE);
        oldModel = new SwitchableFailure(new LegacyIncidents(databases.oldSessions));
        newModel = new SwitchableFailure(new StatusTableIncidents(databases.newSessions));
        incidents = incidents(SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE);
        repair = PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build();
    }

    private IncidentRepository incidents(SecondaryWriteFailurePolicy policy) {
        if (dualRepo != null) {
            dualRepo.close();
        }
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS)
                .meterRegistry(registry)
                .build();
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope)
                .secondaryWriteFailurePolicy(policy).comparisonMode(ComparisonMode.SYNC).build();
        return new DualIncidentRepository(oldModel, newModel, dualRepo);
    }

    @AfterEach
    void tearDown() throws SQLException {
        repair.close();
        dualRepo.close();
        databases.close();
    }

    @Test
    void writesThatReachBothModelsLeaveNoPendingRows() {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));
        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
        incidents.deleteById("i-2");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
        assertThat(registry.get(SyncMetrics.PENDING_RECORDED).tag("side", "new").counter().count()).isZero();
    }

    @Test
    void aSecondaryThatThrowsLeavesThePrimarysWriteAndAPendingRowInThePrimarysDatabase() {
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        assertThat(databases.pending(Side.NEW)).isEmpty();
        assertThat(registry.get(SyncMetrics.PENDING_RECORDED).tag("side", "new").counter().count()).isEqualTo(1);

        newModel.failing(false);
        RepairResult result = repair.repairNow();

        assertThat(result.keysSynced()).isEqualTo(1);
        assertThat(result.totalStillPending()).isZero();
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(Verifier.builder(databases.migration).build().verify().isClean()).isTrue();
        assertThat(registry.get(SyncMetrics.REPAIRED).tag("side", "new").counter().count()).isEqualTo(1);
        assertThat(registry.get(SyncMetrics.PENDING).tag("repository", "incidents").gauge().value()).isZero();
    }

    @Test
    void aSecondaryUpdateThatFindsNoRowIsNotTakenAndItsKeyWaitsForTheRepair() {
        // Issue 12, case 9: OLD holds i-1, NEW does not yet (the backfill has not reached it). The partial update
        // commits in OLD and changes nothing in NEW; that is not NEW taking the write, and nothing else records it.
        databases.put(Side.OLD, new Incident("i-1", "org-1", "database slow", "investigating"));

        incidents.updateStatus("i-1", "closed");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow closed");
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        assertThat(registry.get(SyncMetrics.PENDING_RECORDED).tag("side", "new").counter().count()).isEqualTo(1);

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow closed");
        assertThat(databases.pending(Side.OLD)).isEmpty();

        // Once NEW holds the key, the same partial update is taken: no row is left behind.
        incidents.updateStatus("i-1", "monitoring");

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(registry.get(SyncMetrics.PENDING_RECORDED).tag("side", "new").counter().count()).isEqualTo(1);
    }

    @Test
    void underFailCallTheCallerGetsTheSecondarysExceptionAndThePrimarysWriteIsStillRecorded() {
        incidents = incidents(SecondaryWriteFailurePolicy.FAIL_CALL);
        newModel.failing(true);

        assertThatThrownBy(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("database unavailable");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
    }

    @Test
    void theRepairTransfersThePrimarysCurrentStateNotTheFailedWritesArguments() {
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));
        incidents.deleteById("i-2");
        // Written to OLD alone, as during OLD_ONLY: no record, the repair must still carry it.
        databases.put(Side.OLD, new Incident("i-1", "org-1", "database slow again", "closed"));
        newModel.failing(false);

        RepairResult result = repair.repairNow();

        assertThat(result.keysSynced()).isEqualTo(2);
        assertThat(result.rowsCleared()).isEqualTo(4);
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow again closed");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void runningTheRepairTwiceChangesNothingTheSecondTime() {
        databases.put(Side.NEW, new Incident("i-2", "org-1", "queue stuck", "fixing"));
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        incidents.deleteById("i-2");
        newModel.failing(false);
        repair.repairNow();
        var newAfterFirst = databases.newIncidents();
        var oldAfterFirst = databases.oldIncidents();

        RepairResult second = repair.repairNow();

        assertThat(newAfterFirst).containsExactly("i-1 database slow fixing");
        assertThat(second.keysSynced()).isZero();
        assertThat(second.rowsCleared()).isZero();
        assertThat(databases.newIncidents()).isEqualTo(newAfterFirst);
        assertThat(databases.oldIncidents()).isEqualTo(oldAfterFirst);
        // Syncing a key that is already in sync writes nothing either.
        assertThat(KeySync.of(databases.migration).sync(Side.OLD, "i-1")).isEqualTo(KeySync.Outcome.IN_SYNC);
    }

    @Test
    void aKeyWhoseRepairFailsStaysPendingWithItsAttemptsAndErrorUntilTheStateItTransfersCanBeStored() {
        newModel.failing(true);
        // NEW's title column is narrower: no repair can store this value.
        incidents.save(new Incident("i-1", "org-1", "a title far longer than the new model's forty characters",
                "fixing"));
        newModel.failing(false);

        RepairResult first = repair.repairNow();
        repair.repairNow();

        assertThat(first.keysFailed()).isEqualTo(1);
        assertThat(first.stillPending()).containsEntry("incidents", 1L);
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 2");
        assertThat(databases.oldDatabase.rows("select last_error from " + PendingSyncTable.DEFAULT_NAME))
                .singleElement().asString().isNotBlank();
        assertThat(registry.get(SyncMetrics.REPAIR_FAILURES).tag("side", "new").counter().count()).isEqualTo(2);
        assertThat(registry.get(SyncMetrics.PENDING).tag("repository", "incidents").gauge().value()).isEqualTo(1);

        // The key is re-synced from what OLD holds now, so a later write that NEW can store clears it.
        databases.put(Side.OLD, new Incident("i-1", "org-1", "shorter title", "fixing"));
        RepairResult third = repair.repairNow();

        assertThat(third.keysSynced()).isEqualTo(1);
        assertThat(databases.newIncidents()).containsExactly("i-1 shorter title fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void whenNewIsThePrimaryTheRowIsRecordedInNewsDatabaseAndOldIsRepaired() {
        routes.set("incidents", Stage.LIVE);
        oldModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.oldIncidents()).isEmpty();
        assertThat(databases.pending(Side.NEW)).containsExactly("i-1 OLD 0");
        assertThat(databases.pending(Side.OLD)).isEmpty();

        oldModel.failing(false);
        repair.repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    @Test
    void insideTheCallersTransactionTheSecondaryIsSyncedAfterItCommits() {
        Transactions.of(databases.oldSessions).runInTransaction(session -> {
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            // Not yet committed: NEW must not have what OLD may still roll back.
            assertThat(databases.newIncidents()).isEmpty();
        });

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void whenTheCallersTransactionRollsBackNeitherModelNorTheTableHasTheWrite() {
        Consumer<Session> failingWork = session -> {
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            throw new IllegalStateException("the caller's own work failed");
        };
        assertThatThrownBy(() -> Transactions.of(databases.oldSessions).runInTransaction(failingWork))
                .hasMessage("the caller's own work failed");

        assertThat(databases.oldIncidents()).isEmpty();
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void whenTheSecondaryJoinsACallersTransactionThatRollsBackTheRowStaysForTheRepair() {
        Consumer<Session> failingWork = session -> {
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            throw new IllegalStateException("the caller's own work failed");
        };
        assertThatThrownBy(() -> Transactions.of(databases.newSessions).runInTransaction(failingWork))
                .hasMessage("the caller's own work failed");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void aWriteWhoseKeysCannotBeNamedFailsAndRollsThePrimaryBack() {
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, WriteKeys.<String>builder()
                        .on("save", arguments -> ((Incident) arguments.get(0)).id())
                        .build())
                .build();
        dualRepo.close();
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

        assertThatThrownBy(() -> incidents.deleteById("i-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("incidents.deleteById")
                .hasMessageContaining("add .on(\"deleteById\"");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
    }

    @Test
    void aRepositoryTheScopeDoesNotKnowIsRefusedBeforeAnythingIsWritten() {
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(io.dualrepo.hibernate.Migration.of("tickets", databases.migration.keyType(),
                        databases.migration.oldModel(), databases.migration.newModel()), TwoDatabases.KEYS)
                .build();
        dualRepo.close();
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope).build();
        IncidentRepository unknown = new DualIncidentRepository(oldModel, newModel, dualRepo);

        assertThatThrownBy(() -> unknown.save(new Incident("i-1", "org-1", "database slow", "fixing")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no migration named 'incidents'");
        assertThat(databases.oldIncidents()).isEmpty();
    }

    @Test
    void aTableOfAnotherNameIsCreatedInBothDatabasesAndUsedByTheScopeAndTheRepair() {
        PendingSyncTable table = PendingSyncTable.named("incident_sync");
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).table(table).meterRegistry(registry).build();
        dualRepo.close();
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

        assertThat(databases.oldDatabase.rows("select sync_key, target_side from incident_sync"))
                .containsExactly("i-1 NEW");
        assertThat(databases.newDatabase.rows("select sync_key from incident_sync")).isEmpty();
        assertThat(databases.pending(Side.OLD)).isEmpty();

        newModel.failing(false);
        PendingSyncRepair.builder().migration(databases.migration).table(table).meterRegistry(registry).build()
                .repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.oldDatabase.rows("select sync_key from incident_sync")).isEmpty();
    }

    @Test
    void aTableNameThatIsNotAPlainIdentifierIsRefused() {
        assertThatThrownBy(() -> PendingSyncTable.named("sync; drop table incidents"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sync; drop table incidents' is not valid");
        assertThat(PendingSyncTable.named("migrations.pending_sync").name()).isEqualTo("migrations.pending_sync");
    }

    @Test
    void theScheduledRepairDrainsPendingRowsOnItsOwn() throws InterruptedException {
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        newModel.failing(false);

        repair.start(Duration.ofMillis(50));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!databases.pending(Side.OLD).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        repair.close();

        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThatThrownBy(() -> repair.start(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }

    @Test
    void withoutTheScopeTheSinkRecordsFailedSecondaryWritesForTheRepair() {
        PendingSyncSink sink = PendingSyncSink.builder().migration(databases.migration, TwoDatabases.KEYS).build();
        dualRepo.close();
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).failedWriteSink(sink).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));

        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0", "i-2 NEW 0");

        newModel.failing(false);
        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing", "i-2 queue stuck fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }
}
