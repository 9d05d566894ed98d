package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key whose writes were missed by one model while OLD was the primary and by the other once NEW was: it waits in
 * both databases, in opposite directions, and the repair must keep the latest acknowledged write (issue 12, case 4).
 * The failing secondary is switched on and off around each write, so the rows are placed deterministically.
 */
class PrimaryFlipRepairTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TwoDatabases databases;
    private SwitchableFailure oldModel;
    private SwitchableFailure newModel;
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        oldModel = new SwitchableFailure(new LegacyIncidents(databases.oldSessions));
        newModel = new SwitchableFailure(new StatusTableIncidents(databases.newSessions));
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).meterRegistry(registry).build();
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
    }

    @AfterEach
    void tearDown() throws SQLException {
        dualRepo.close();
        databases.close();
    }

    @Test
    void repairAfterPrimaryFlipKeepsLatestWrite() {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        liveMissingOld(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring")));
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        assertThat(databases.pending(Side.NEW)).containsExactly("i-1 OLD 0");

        RepairResult result = repair(PendingSyncRepair.builder()).repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
        assertThat(result.keysSynced()).isEqualTo(1);
        assertThat(result.rowsCleared()).isEqualTo(2);
        assertThat(registry.get(SyncMetrics.REPAIRED).tag("side", "old").counter().count()).isEqualTo(1);
        assertVerifierClean();
    }

    @Test
    void repairAfterPrimaryFlipsBothWaysKeepsTheLatestWriteOfEachKeyAcrossPages() {
        // i-2: NEW was the primary first, then OLD again (a rollback of the route).
        liveMissingOld(() -> incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing")));
        shadowMissingNew(() -> {
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
            incidents.save(new Incident("i-2", "org-1", "queue stuck", "closed"));
            incidents.save(new Incident("i-4", "org-1", "only while old led", "fixing"));
            incidents.save(new Incident("i-5", "org-1", "deleted once new led", "fixing"));
        });
        liveMissingOld(() -> {
            incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
            incidents.save(new Incident("i-1", "org-1", "database slow", "closed"));
            incidents.save(new Incident("i-3", "org-1", "only while new led", "fixing"));
            incidents.deleteById("i-5");
        });

        // Two rows a page, so a key's rows are split across pages and its opposite rows lie in the other database.
        RepairResult result = repair(PendingSyncRepair.builder().batchSize(2)).repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow closed", "i-2 queue stuck closed",
                "i-3 only while new led fixing", "i-4 only while old led fixing");
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents());
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
        assertThat(result.keysFailed()).isZero();
        assertThat(result.rowsCleared()).isEqualTo(10);
        assertVerifierClean();
    }

    @Test
    void aNewerRowTooYoungForThePassStillDecidesTheDirectionOfAnOlderOne() {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        liveMissingOld(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring")));
        // OLD's row is old enough for the pass, NEW's (the newer write) is not.
        databases.oldDatabase.execute("update " + PendingSyncTable.DEFAULT_NAME
                + " set created_at = created_at - interval '2' hour");

        repair(PendingSyncRepair.builder().minAge(Duration.ofHours(1))).repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    @Test
    void rowsOfTheSameInstantBothWaysLeaveNewsValueInBothModels() {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring")));
        liveMissingOld(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        String instant = "timestamp with time zone '2026-01-01 00:00:00+00'";
        databases.oldDatabase.execute("update " + PendingSyncTable.DEFAULT_NAME + " set created_at = " + instant);
        databases.newDatabase.execute("update " + PendingSyncTable.DEFAULT_NAME + " set created_at = " + instant);

        repair(PendingSyncRepair.builder()).repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    @Test
    void aKeyWhoseLatestWriteCannotBeRepairedKeepsItsRowsBothWaysAndIsNotOverwrittenWithTheOlderValue() {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        liveMissingOld(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring")));
        PendingSyncRepair repair = repair(PendingSyncRepair.builder());
        // OLD refuses every repair write for now: the sync towards it fails.
        databases.oldDatabase.execute("alter table incidents add constraint frozen check (status <> 'monitoring')");

        RepairResult failed = repair.repairNow();

        assertThat(failed.keysFailed()).isEqualTo(1);
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 1");
        assertThat(databases.pending(Side.NEW)).containsExactly("i-1 OLD 1");

        databases.oldDatabase.execute("alter table incidents drop constraint frozen");
        repair.repairNow();

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    @Test
    void aWriteWithTheTargetAsPrimaryLandingInsideItsRepairIsNotOverwrittenWithTheOlderValue() throws Exception {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        // Right after the repair read OLD's value for NEW, the routes make NEW the primary and a write to the key
        // reaches NEW but not OLD. Run on a thread of its own, so that it does not join the repair's transaction.
        Migration<String, Incident> migration = AfterFind.onOld(databases, call -> {
            if (call == 1) {
                try {
                    writer.submit(() -> liveMissingOld(() -> incidents.save(
                            new Incident("i-1", "org-1", "database slow", "monitoring")))).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            PendingSyncRepair.builder().migration(migration).meterRegistry(registry).build().repairNow();
        } finally {
            writer.shutdown();
        }

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    @Test
    void aKeyThatCannotBeLookedUpInTheOtherDatabaseFailsAndStaysPendingLikeAFailedSync() {
        shadowMissingNew(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        PendingSyncRepair repair = repair(PendingSyncRepair.builder());
        // NEW's table unreadable, as when its database is unreachable.
        databases.newDatabase.execute("drop table " + PendingSyncTable.DEFAULT_NAME);

        assertThatThrownBy(repair::repairNow)
                .as("NEW's own rows could not be read").isInstanceOf(RuntimeException.class);

        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 1");
        assertThat(registry.get(SyncMetrics.REPAIR_FAILURES).tag("side", "new").counter().count()).isEqualTo(1);
    }

    /** A write while OLD is the primary that NEW does not take. */
    private void shadowMissingNew(Runnable writes) {
        routes.set("incidents", Stage.SHADOW);
        newModel.failing(true);
        writes.run();
        newModel.failing(false);
    }

    /** A write while NEW is the primary that OLD does not take. */
    private void liveMissingOld(Runnable writes) {
        routes.set("incidents", Stage.LIVE);
        oldModel.failing(true);
        writes.run();
        oldModel.failing(false);
    }

    private PendingSyncRepair repair(PendingSyncRepair.Builder builder) {
        return builder.migration(databases.migration).meterRegistry(registry).build();
    }

    private void assertVerifierClean() {
        VerificationResult<String> verification = Verifier.builder(databases.migration)
                .meterRegistry(new SimpleMeterRegistry()).build().verify();
        assertThat(verification.isClean()).as(verification.summary()).isTrue();
    }
}
