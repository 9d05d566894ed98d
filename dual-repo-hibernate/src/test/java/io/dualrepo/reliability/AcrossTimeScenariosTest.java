package io.dualrepo.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenarios that cross stages (issue 12): stage changes, legal and not, a primary flip while the repair runs, a
 * restart while the flag service is unreachable. The rules are enforced (the default) and the instances share a
 * {@link io.dualrepo.hibernate.record.DatabaseMigrationRecord}; callers run throughout, and every check waits for a
 * condition with a bound, never for a moment.
 */
@Timeout(300)
class AcrossTimeScenariosTest {

    private static final String REPOSITORY = RecordedMigration.REPOSITORY;
    /** How long the scenario waits, at most, for a condition the callers or the repair bring about. */
    private static final Duration CONDITION_BOUND = Duration.ofSeconds(60);
    private static final int CALLERS = Math.max(4, Bounds.CALLERS / 2);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Stores stores;
    private RecordedMigration migration;
    private Faults oldFaults;
    private Faults newFaults;
    private final List<DualRepo> instances = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        stores = new Stores(registry);
        migration = new RecordedMigration(stores);
        oldFaults = new Faults(stores.oldRepository());
        newFaults = new Faults(stores.newRepository());
    }

    @AfterEach
    void tearDown() throws Exception {
        instances.forEach(DualRepo::close);
        stores.close();
    }

    private DualRepo started(DualRepo dualRepo) {
        instances.add(dualRepo);
        return dualRepo;
    }

    private IncidentRepository dual(DualRepo dualRepo) {
        return new DualIncidentRepository(oldFaults, newFaults, dualRepo);
    }

    private static String load(Callers callers) {
        return String.format(Locale.ROOT, "%d callers, %,d calls (%,d writes)", CALLERS, callers.calls.get(),
                callers.acknowledgedWrites.get() + callers.failedWrites.get());
    }

    private static void pause() {
        LoadScenariosTest.sleep(Bounds.PHASE.toMillis() / 4);
    }

    /**
     * An illegal step: refused, the route in force stays, and the source is set back to it, as an operator whose
     * change was refused does.
     */
    private void refused(DualRepo dualRepo, Stage inForce, Stage offered, List<String> seen) {
        Route after = migration.offer(dualRepo, offered);
        assertThat(after).as("%s -> %s must be refused", inForce, offered).isEqualTo(inForce.route());
        assertThat(dualRepo.lastRefusal(REPOSITORY)).as("why %s -> %s was refused", inForce, offered).isPresent();
        seen.add(inForce + "→" + offered);
        migration.take(dualRepo, inForce);
    }

    private static double counter(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void transitionsForwardWithIllegalStepsBackRefused() throws Exception {
        long start = System.nanoTime();
        DualRepo dualRepo = started(migration.instance());
        Callers callers = new Callers(dual(dualRepo), CALLERS, Bounds.KEYS_PER_CALLER);
        List<String> refusals = new ArrayList<>();
        callers.start();
        try {
            pause();
            refused(dualRepo, Stage.OLD_ONLY, Stage.LIVE, refusals);
            refused(dualRepo, Stage.OLD_ONLY, Stage.NEW_ONLY, refusals);
            refused(dualRepo, Stage.OLD_ONLY, Stage.RAMPDOWN, refusals);
            migration.take(dualRepo, Stage.DUAL_WRITE);
            pause();
            // NEW is written, but neither backfilled nor verified: it must not serve reads.
            refused(dualRepo, Stage.DUAL_WRITE, Stage.LIVE, refusals);
            refused(dualRepo, Stage.DUAL_WRITE, Stage.NEW_ONLY, refusals);
            migration.completeNew(dualRepo);
            migration.take(dualRepo, Stage.SHADOW);
            pause();
            // Writes to OLD cannot stop while reads come from it.
            refused(dualRepo, Stage.SHADOW, Stage.NEW_ONLY, refusals);
            migration.take(dualRepo, Stage.LIVE);
            pause();
            refused(dualRepo, Stage.LIVE, Stage.OLD_ONLY, refusals);
            // A rollback of reads to OLD, written all along, is legal; and forward again.
            migration.take(dualRepo, Stage.SHADOW);
            pause();
            migration.take(dualRepo, Stage.LIVE);
            migration.take(dualRepo, Stage.RAMPDOWN);
            pause();
            migration.take(dualRepo, Stage.NEW_ONLY);
            pause();
            // OLD is stale now: nothing may read it again without a re-sync.
            refused(dualRepo, Stage.NEW_ONLY, Stage.SHADOW, refusals);
            refused(dualRepo, Stage.NEW_ONLY, Stage.DUAL_WRITE, refusals);
            refused(dualRepo, Stage.NEW_ONLY, Stage.OLD_ONLY, refusals);
            pause();
        } finally {
            callers.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // NEW_ONLY: NEW is the one model written and read, so it holds every acknowledged write.
        List<String> lost = callers.lost(stores, Side.NEW);
        assertThat(lost).as("acknowledged writes missing in NEW").isEmpty();
        assertThat(callers.failedCalls.get()).as("failed calls; first: %s", callers.failureSample).isZero();
        assertThat(callers.staleReads.get()).as("reads that missed the caller's own acknowledged write").isZero();
        assertThat(counter(registry, io.dualrepo.metrics.DualRepoMetrics.ROUTE_REFUSED))
                .as("routes refused, counted").isGreaterThanOrEqualTo(refusals.size());
        assertThat(migration.record.history(REPOSITORY, 100)).as("the record's history").isNotEmpty();
        Report.add(new Report.Row("stage transitions, illegal ones tried", load(callers),
                String.format(Locale.ROOT, "OLD_ONLY→DUAL_WRITE→(backfill, verify)→SHADOW→LIVE→SHADOW→LIVE→RAMPDOWN"
                        + "→NEW_ONLY while callers write; %d illegal steps offered", refusals.size()),
                seconds, "0", lost.size(), callers.readLatencies().p99Millis(), callers.writeLatencies().p99Millis(),
                String.format(Locale.ROOT, "%d of %d illegal steps refused (%s), route in force kept; 0 stale reads;"
                        + " NEW holds every acknowledged write; evidence after %d backfill+verification attempt(s)",
                        refusals.size(), refusals.size(), String.join(", ", refusals), migration.evidenceAttempts)));
    }

    @Test
    void primaryFlipWhileTheRepairRuns() throws Exception {
        long start = System.nanoTime();
        DualRepo dualRepo = started(migration.instance());
        Callers callers = new Callers(dual(dualRepo), CALLERS, Bounds.KEYS_PER_CALLER);
        AtomicBoolean repairing = new AtomicBoolean();
        AtomicLong repairPasses = new AtomicLong();
        AtomicLong keysSynced = new AtomicLong();
        PendingSyncRepair repair = migration.repair();
        Thread repairer = new Thread(() -> {
            while (repairing.get()) {
                keysSynced.addAndGet(repair.repairNow().keysSynced());
                repairPasses.incrementAndGet();
                LoadScenariosTest.sleep(5);
            }
        }, "repairer");
        long pendingIntoNew;
        long pendingIntoOld;
        callers.start();
        try {
            migration.toShadow(dualRepo);
            // SHADOW, NEW missing some writes: pending rows in OLD's database. The fault stays on until the scope
            // counts keys waiting for the repair into NEW (rows of writes it takes for still running are left out).
            newFaults.failRatio = 0.2;
            awaitPositive(() -> migration.scope().pendingRepairs(REPOSITORY, Side.NEW), "keys waiting for NEW");
            newFaults.clear();
            pendingIntoNew = migration.pending(Side.OLD);
            // No repair has run: reads must not move to NEW yet.
            Route offered = migration.offer(dualRepo, Stage.LIVE);
            assertThat(offered).as("LIVE while keys wait for the repair into NEW").isEqualTo(Stage.SHADOW.route());
            repairing.set(true);
            repairer.start();
            long deadline = System.nanoTime() + CONDITION_BOUND.toNanos();
            while (!dualRepo.currentRoute(REPOSITORY).equals(Stage.LIVE.route()) && System.nanoTime() < deadline) {
                LoadScenariosTest.sleep(5);
            }
            assertThat(dualRepo.currentRoute(REPOSITORY)).as("LIVE once the repair caught NEW up (refusal: %s)",
                    dualRepo.lastRefusal(REPOSITORY)).isEqualTo(Stage.LIVE.route());
            pause();
            // LIVE, OLD (now the secondary) missing some writes, the repair still running.
            oldFaults.failRatio = 0.2;
            awaitPositive(() -> oldFaults.injected.get(), "writes OLD missed under LIVE");
            pause();
            oldFaults.clear();
        } finally {
            callers.stop();
            repairing.set(false);
            if (repairer.isAlive()) {
                repairer.join(CONDITION_BOUND.toMillis());
            }
        }
        pendingIntoOld = oldFaults.injected.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Stores.Settled settled = migration.repairAndVerify();
        List<String> lost = new ArrayList<>(callers.lost(stores, Side.OLD));
        lost.addAll(callers.lost(stores, Side.NEW));
        assertThat(settled.repair().keysFailed()).as("keys the repair could not sync").isZero();
        assertThat(settled.verification().isClean()).as(settled.verification().summary()).isTrue();
        assertThat(lost).as("keys not at the last acknowledged write after repair").isEmpty();
        assertThat(migration.pending(Side.OLD) + migration.pending(Side.NEW)).as("pending rows left").isZero();
        assertThat(callers.failedCalls.get()).as("failed calls; first: %s", callers.failureSample).isZero();
        assertThat(callers.staleReads.get()).as("reads that missed the caller's own acknowledged write").isZero();
        Report.add(new Report.Row("primary flip while the repair runs", load(callers),
                String.format(Locale.ROOT, "SHADOW, 20 %% of NEW's writes fail (%,d pending rows for NEW); LIVE"
                        + " offered, repair looping; under LIVE 20 %% of OLD's writes fail (%,d)", pendingIntoNew,
                        pendingIntoOld), seconds, "0", lost.size(), callers.readLatencies().p99Millis(),
                callers.writeLatencies().p99Millis(),
                String.format(Locale.ROOT, "LIVE refused while keys waited for the repair into NEW, taken once it"
                        + " caught up; %,d repair passes during the flip synced %,d keys; after the last repair both"
                        + " models hold each key's last acknowledged write, verifier clean, 0 pending rows, 0 stale"
                        + " reads", repairPasses.get(), keysSynced.get())));
    }

    private static void awaitPositive(java.util.function.LongSupplier count, String what) {
        long deadline = System.nanoTime() + CONDITION_BOUND.toNanos();
        while (count.getAsLong() == 0 && System.nanoTime() < deadline) {
            LoadScenariosTest.sleep(20);
        }
        assertThat(count.getAsLong()).as(what).isPositive();
    }

    @Test
    void restartDuringAFlagOutageRoutesByTheRecord() throws Exception {
        long start = System.nanoTime();
        DualRepo first = started(migration.instance());
        SwitchableIncidents incidents = new SwitchableIncidents(dual(first));
        Callers callers = new Callers(incidents, CALLERS, Bounds.KEYS_PER_CALLER);
        List<String> restarts = new ArrayList<>();
        long oldWritesAfterRestart;
        callers.start();
        try {
            migration.toShadow(first);
            migration.take(first, Stage.LIVE);
            migration.take(first, Stage.NEW_ONLY);
            pause();
            // Restarted while the flag service is unreachable: the source throws, as Unleash's client would.
            RouteSource unreachable = (repository, key) -> {
                throw new IllegalStateException("flag service unreachable");
            };
            restart(incidents, unreachable, first, restarts, "source throws");
            pause();
            // And again, with a source that answers but has no route (flags not fetched yet).
            RouteSource empty = (repository, key) -> Optional.empty();
            restart(incidents, empty, instances.get(instances.size() - 1), restarts, "source has no route");
            pause();
            oldWritesAfterRestart = oldWrites.get();
        } finally {
            callers.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> lost = callers.lost(stores, Side.NEW);
        assertThat(lost).as("acknowledged writes missing in NEW").isEmpty();
        assertThat(oldWritesAfterRestart).as("writes that reached OLD after the restarts").isZero();
        assertThat(callers.failedCalls.get()).as("failed calls; first: %s", callers.failureSample).isZero();
        assertThat(callers.staleReads.get()).as("reads that missed the caller's own acknowledged write").isZero();
        Report.add(new Report.Row("restart during a flag outage", load(callers),
                "fleet in NEW_ONLY; the instance restarts twice: its route source throwing, then empty;"
                        + " default route OLD_ONLY", seconds, "0", lost.size(), callers.readLatencies().p99Millis(),
                callers.writeLatencies().p99Millis(), "routed by the record's last route after each restart ("
                        + String.join("; ", restarts) + "); 0 writes reached OLD after them; writes read back from"
                        + " NEW, 0 stale reads"));
    }

    /** Writes that reached OLD through an instance started by {@link #restart}. */
    private final AtomicLong oldWrites = new AtomicLong();

    private void restart(SwitchableIncidents incidents, RouteSource source, DualRepo previous, List<String> restarts,
            String how) {
        MigrationRecord record = RecordedMigration.record(stores);
        DualRepo next = started(migration.instance(source, record).defaultRoute(Stage.OLD_ONLY).build());
        Route route = next.currentRoute(REPOSITORY);
        assertThat(route).as("route after a restart with the %s", how).isEqualTo(Stage.NEW_ONLY.route());
        incidents.target = new DualIncidentRepository(countingOld(), newFaults, next);
        previous.close();
        instances.remove(previous);
        restarts.add(how + ": NEW_ONLY");
    }

    private IncidentRepository countingOld() {
        return new IncidentRepository() {
            @Override
            public Optional<io.dualrepo.hibernate.model.Incident> findById(String id) {
                return oldFaults.findById(id);
            }

            @Override
            public void save(io.dualrepo.hibernate.model.Incident incident) {
                oldWrites.incrementAndGet();
                oldFaults.save(incident);
            }

            @Override
            public void deleteById(String id) {
                oldWrites.incrementAndGet();
                oldFaults.deleteById(id);
            }

            @Override
            public void updateStatus(String id, String status) {
                oldWrites.incrementAndGet();
                oldFaults.updateStatus(id, status);
            }
        };
    }
}
