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
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, case 8: a slow NEW model slowed every write, since the secondary's write was synchronous. With {@link
 * CrossDatabaseScope.Builder#secondaryWriteTimeout} a write waits for NEW up to the bound; a write NEW has not
 * finished by then is left to the repair through the pending row committed with OLD's write, and never lands late.
 *
 * <p>Interleavings are forced, not timed: NEW's writes are held on latches ({@link HeldWrites}) or on a row lock in
 * NEW's database, and the bound, set far beyond any test, is ended by {@link BoundedSecondary#expireWaiting} once the
 * test has the write where it wants it. One test keeps a real, short bound, and asserts nothing that depends on
 * where the write was when it ran out.
 */
class SlowSecondaryTest {

    /** Never reached by a test that works: {@link #expireWhenWaiting} ends the wait. */
    private static final Duration FAR = Duration.ofMinutes(10);

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private TwoDatabases databases;
    private HeldWrites newModel;
    private CrossDatabaseScope scope;
    private DualRepo dualRepo;
    private IncidentRepository incidents;
    private PendingSyncRepair repair;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        routes.set("incidents", Stage.DUAL_WRITE);
        newModel = new HeldWrites(new StatusTableIncidents(databases.newSessions));
        incidents = incidents(FAR, CrossDatabaseScope.DEFAULT_SECONDARY_WRITE_THREADS,
                SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE);
        repair = PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build();
    }

    private IncidentRepository incidents(Duration bound, int threads, SecondaryWriteFailurePolicy policy) {
        if (dualRepo != null) {
            dualRepo.close();
        }
        CrossDatabaseScope.Builder builder = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS)
                .secondaryWriteThreads(threads)
                .meterRegistry(registry);
        scope = (bound == null ? builder : builder.secondaryWriteTimeout(bound)).build();
        // Stages are set straight to the one under test: the transition rules have tests of their own.
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry)
                .dualWriteScope(scope).secondaryWriteFailurePolicy(policy).comparisonMode(ComparisonMode.SYNC).build();
        return new DualIncidentRepository(new LegacyIncidents(databases.oldSessions), newModel, dualRepo);
    }

    @AfterEach
    void tearDown() throws SQLException {
        callers.shutdownNow();
        repair.close();
        dualRepo.close();
        databases.close();
    }

    @Test
    void case8ASlowNewCostsAWriteTheBoundAndItsLateWriteNeverOverwritesANewerOne() throws Exception {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        HeldWrites.Hold slow = newModel.holdNextWrite();

        // Without the bound this call waited for NEW as long as NEW took: here, until the hold is released.
        Future<?> write = callers.submit(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        assertThat(slow.awaitEntered()).isTrue();
        expireWhenWaiting(1);
        write.get(30, TimeUnit.SECONDS);

        assertThat(slow.waiting()).as("the call returned while NEW's write was still held").isTrue();
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        assertThat(deferred("timeout")).isEqualTo(1);
        // Marked as missed, the row holds reads back at once, not only once it is older than in-flight rows are.
        assertThat(scope.pendingRepairs("incidents", Side.NEW)).isEqualTo(1);

        // A newer write of the same key, made after the caller got its answer, reaches both models.
        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");

        // The held write now reaches NEW's database, and is rolled back rather than committed over the newer one.
        slow.release();
        awaitCount(abandoned("rolled_back"), 1);

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(Verifier.builder(databases.migration).build().verify().isClean()).isTrue();
    }

    /**
     * Under read-through OLD is written first and NEW, the secondary, answers reads first: a deferred NEW write would
     * be read back as the value before it. The bound does not apply there; the write waits for NEW in full.
     */
    @Test
    void underReadThroughTheWriteWaitsForNewInFull() throws Exception {
        routes.set("incidents", Stage.readThrough(Comparison.OFF));
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        HeldWrites.Hold slow = newModel.holdNextWrite();

        Future<?> write = callers.submit(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        assertThat(slow.awaitEntered()).isTrue();
        assertThat(databases.oldIncidents()).as("OLD first").containsExactly("i-1 database slow fixing");
        assertThat(scope.bounded().waitingCallers()).as("waiting on NEW itself, not on the bound").isZero();
        scope.bounded().expireWaiting();
        assertThat(write).isNotDone();
        slow.release();
        write.get(30, TimeUnit.SECONDS);

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(incidents.findById("i-1")).map(Incident::status).hasValue("fixing");
        assertThat(deferred("timeout")).isZero();
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void aRepairThatClearsTheKeyWhileTheSlowWriteIsStillRunningIsNotUndoneByIt() throws Exception {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        HeldWrites.Hold first = deferHeld(new Incident("i-1", "org-1", "database slow", "fixing"));
        // OLD goes back to the earlier value, NEW's write of it held too: OLD and NEW now agree on "investigating",
        // so the repair finds the key in sync, writes nothing and clears both rows while the first write still runs.
        HeldWrites.Hold second = deferHeld(new Incident("i-1", "org-1", "database slow", "investigating"));
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0", "i-1 NEW 0");

        RepairResult result = repair.repairNow();

        assertThat(result.totalStillPending()).isZero();
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");

        // Committed now, the first write would leave NEW at "fixing" with no row left to say so.
        first.release();
        second.release();
        awaitCount(abandoned("rolled_back"), 2);

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow investigating");
        assertThat(Verifier.builder(databases.migration).build().verify().isClean()).isTrue();
    }

    @Test
    void whenEverySecondaryThreadIsHeldAWriteIsDeferredAtOnceAndAQueuedOneNeverRuns() throws Exception {
        incidents = incidents(FAR, 1, SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE);
        HeldWrites.Hold slow = deferHeld(new Incident("i-1", "org-1", "database slow", "fixing"));
        // Queued behind the held one until its caller stops waiting; it stays in the queue after.
        Future<?> queued = callers.submit(() -> incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing")));
        expireWhenWaiting(1);
        queued.get(30, TimeUnit.SECONDS);
        // The one thread is held and its queue full: deferred without waiting for anything.
        incidents.save(new Incident("i-3", "org-1", "disk full", "fixing"));

        assertThat(deferred("timeout")).isEqualTo(2);
        assertThat(deferred("busy")).isEqualTo(1);
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(databases.pending(Side.OLD)).containsExactlyInAnyOrder("i-1 NEW 0", "i-2 NEW 0", "i-3 NEW 0");

        slow.release();
        awaitCount(abandoned("rolled_back"), 1);
        awaitCount(abandoned("not_started"), 1);
        assertThat(databases.newIncidents()).isEmpty();

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactlyInAnyOrder("i-1 database slow fixing",
                "i-2 queue stuck fixing", "i-3 disk full fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void aRealBoundEndsTheWaitWhereverTheSlowWriteIs() throws Exception {
        incidents = incidents(Duration.ofMillis(50), 2, SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE);
        HeldWrites.Hold slow = newModel.holdNextWrite();

        // Nothing releases the hold before the call returns: only the bound can end its wait.
        callers.submit(() -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")))
                .get(30, TimeUnit.SECONDS);
        // The worker may have reached the hold or not even started; either way the write is deferred.
        newModel.disarm();
        slow.release();

        assertThat(deferred("timeout")).isEqualTo(1);
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        awaitCondition(() -> abandoned("rolled_back").count() + abandoned("not_started").count() == 1);
        assertThat(databases.newIncidents()).isEmpty();

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    @Test
    void writesNewFinishesInTimeLeaveNoRowsAndItsFailuresFollowThePolicy() {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));
        incidents.deleteById("i-2");
        // Not yet in NEW: a partial update there changes nothing, which is not taking the write (case 9).
        databases.put(Side.OLD, new Incident("i-4", "org-1", "cpu hot", "fixing"));
        incidents.updateStatus("i-4", "closed");

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-4 NEW 0");
        assertThat(deferred("timeout")).isZero();
        assertThat(scope.pendingRepairs("incidents", Side.NEW)).isEqualTo(1);

        incidents = incidents(FAR, 2, SecondaryWriteFailurePolicy.FAIL_CALL);
        // NEW has no status "unknown" for the organisation: its write fails, in time, and the caller is told.
        assertThatThrownBy(() -> incidents.save(new Incident("i-5", "org-1", "mystery", "unknown")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(databases.oldIncidents()).contains("i-5 mystery unknown");
        assertThat(databases.pending(Side.OLD)).containsExactlyInAnyOrder("i-4 NEW 0", "i-5 NEW 0");
        assertThat(scope.pendingRepairs("incidents", Side.NEW)).isEqualTo(2);
    }

    @Test
    void withoutABoundTooTheRowsOfWritesNewMissedHoldReadsBackAtOnce() {
        incidents = incidents(null, 1, SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE);
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        assertThat(scope.pendingRepairs("incidents", Side.NEW)).isZero();

        // Not taken (NEW lacks the row a partial update needs), then failed (NEW lacks the status).
        databases.put(Side.OLD, new Incident("i-4", "org-1", "cpu hot", "fixing"));
        incidents.updateStatus("i-4", "closed");
        incidents.save(new Incident("i-5", "org-1", "mystery", "unknown"));

        // Rows of dual writes still running count only once older than the in-flight grace; these are known missed
        // and count at once, so that reads cannot move to NEW in the seconds before they would.
        assertThat(databases.pending(Side.OLD)).containsExactlyInAnyOrder("i-4 NEW 0", "i-5 NEW 0");
        assertThat(scope.pendingRepairs("incidents", Side.NEW)).isEqualTo(2);
        assertThat(databases.oldDatabase.rows("select last_error from " + PendingSyncTable.DEFAULT_NAME))
                .allSatisfy(reason -> assertThat(reason).doesNotContain("mystery", "unknown'"));
    }

    @Test
    void aSecondaryThatCannotOpenASessionIsAFailedSecondaryWriteNotTheCallers() {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        databases.newSessions.close();

        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        assertThat(registry.get(SyncMetrics.PENDING_RECORDED).tag("side", "new").counter().count()).isEqualTo(1);
    }

    @Test
    void aSyncAfterTheCallersTransactionCommittedIsBoundedToo() throws Exception {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        // NEW's database itself is slow: another transaction holds the row the sync must update.
        Session locker = databases.newSessions.openSession();
        Transaction lock = locker.beginTransaction();
        locker.createNativeMutationQuery("update incidents_v2 set title = title where id = 'i-1'").executeUpdate();
        try {
            Future<?> write = callers.submit(() -> Transactions.of(databases.oldSessions).runInTransaction(session -> {
                incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            }));
            expireWhenWaiting(1);
            write.get(30, TimeUnit.SECONDS);

            assertThat(databases.oldIncidents()).containsExactly("i-1 database slow fixing");
            assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");
        } finally {
            lock.rollback();
            locker.close();
        }
        // The late sync failed on the lock, or finished once it was free, or never started: never committed.
        awaitCondition(() -> abandoned("rolled_back").count() + abandoned("failed").count()
                + abandoned("not_started").count() == 1);
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");

        repair.repairNow();

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    /** A write whose NEW half is held, and whose caller has stopped waiting for it. */
    private HeldWrites.Hold deferHeld(Incident incident) throws Exception {
        HeldWrites.Hold hold = newModel.holdNextWrite();
        Future<?> write = callers.submit(() -> incidents.save(incident));
        assertThat(hold.awaitEntered()).isTrue();
        expireWhenWaiting(1);
        write.get(30, TimeUnit.SECONDS);
        return hold;
    }

    /** Ends the wait of the callers once {@code callers} of them wait, as their bound running out would. */
    private void expireWhenWaiting(int callers) throws InterruptedException {
        awaitCondition(() -> scope.bounded().waitingCallers() >= callers);
        scope.bounded().expireWaiting();
    }

    private double deferred(String reason) {
        Counter counter = registry.find(SyncMetrics.SECONDARY_DEFERRED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private Counter abandoned(String outcome) {
        return registry.counter(SyncMetrics.SECONDARY_ABANDONED, "repository", "incidents", "outcome", outcome);
    }

    private static void awaitCount(Counter counter, double expected) throws InterruptedException {
        awaitCondition(() -> counter.count() >= expected);
        assertThat(counter.count()).isEqualTo(expected);
    }

    /** Waits for a condition with a generous bound: the machine may be busy, the condition must come. */
    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition reached within 30 s").isTrue();
    }
}
