package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.ForwardingIncidents;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pending-sync repair running while a dual write is between its halves, outside read-through (SHADOW, two
 * databases): found by {@link ConcurrentHistoriesTest} with the repair running during the calls (run seed {@code
 * -7845365062561178118}, H2), where OLD ended without the key, NEW with the value an acknowledged delete removed, and
 * nothing waiting for the repair.
 *
 * <p>The repair may take the row of a write still in flight (its {@code minAge} is zero by default) and find the
 * models in sync before the write's secondary half lands. It then clears that row. When the write, after its
 * secondary half, finds the models apart and leaves the key to the repair, the row it meant to keep is gone: marking
 * it as missed changed nothing, and the key waited for nothing. So a write that leaves its key to the repair records
 * that on rows it inserts then, which no repair can have read before the secondary half ran.
 */
class RepairDuringWriteTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ExecutorService others = Executors.newCachedThreadPool();
    private final List<DualRepo> dualRepos = new ArrayList<>();
    private final AtomicReference<Runnable> afterOldSave = new AtomicReference<>();
    private TwoDatabases databases;
    private HeldWrites newModel;
    /** The saving instance: OLD's repository runs {@link #afterOldSave} once, NEW's writes can be held. */
    private IncidentRepository saving;
    /** Another instance of the service over the same databases. */
    private IncidentRepository deleting;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        newModel = new HeldWrites(new StatusTableIncidents(databases.newSessions));
        saving = new DualIncidentRepository(new AfterSave(new LegacyIncidents(databases.oldSessions)), newModel,
                dualRepo());
        deleting = new DualIncidentRepository(new LegacyIncidents(databases.oldSessions),
                new StatusTableIncidents(databases.newSessions), dualRepo());
        routes.set(StageWorld.REPOSITORY, Stage.SHADOW.route());
    }

    private DualRepo dualRepo() {
        CrossDatabaseScope scope = CrossDatabaseScope.builder().migration(databases.migration, TwoDatabases.KEYS)
                .meterRegistry(new SimpleMeterRegistry()).build();
        // The stage is set straight: the transition rules have tests of their own.
        DualRepo dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope).build();
        dualRepos.add(dualRepo);
        return dualRepo;
    }

    @AfterEach
    void tearDown() throws SQLException {
        others.shutdownNow();
        dualRepos.forEach(DualRepo::close);
        databases.close();
    }

    /**
     * Both models hold x. A save of x (the value OLD holds: it changes nothing there and locks no row) is followed in
     * OLD, inside its transaction, by another instance's delete, which runs to its end in both models; the save's
     * look at what OLD holds then finds nothing. Its NEW half is held, and a repair pass runs: it finds both models
     * without the key and clears the save's row. The save's NEW half then puts x back into NEW, and the save, finding
     * OLD without the key and NEW with it, leaves the key to the repair. Something must say so: the next repair has
     * to take x out of NEW again.
     */
    @ParameterizedTest(name = "repair batch size {0}")
    @ValueSource(ints = {1, PendingSyncRepair.DEFAULT_BATCH_SIZE})
    void aWriteLeftToTheRepairStaysRecordedThoughARepairClearedItsRowMeanwhile(int batchSize) throws Exception {
        databases.put(Side.OLD, incident("x"));
        databases.put(Side.NEW, incident("x"));
        afterOldSave.set(() -> elsewhere(() -> deleting.deleteById("i-1")));
        HeldWrites.Hold newHalf = newModel.holdNextWrite();

        FutureTask<Void> save = new FutureTask<>(() -> saving.save(incident("x")), null);
        new Thread(save, "saving-caller").start();
        assertThat(newHalf.awaitEntered()).as("the save reached its NEW half").isTrue();
        assertThat(databases.oldIncidents()).as("OLD, after the delete").isEmpty();
        assertThat(databases.newIncidents()).as("NEW, after the delete").isEmpty();
        assertThat(databases.pending(Side.OLD)).as("the save's row, committed with its OLD half")
                .containsExactly("i-1 NEW 0");

        try (PendingSyncRepair repair = repair(batchSize)) {
            repair.repairNow();
            assertThat(databases.pending(Side.OLD)).as("the repair found the key in sync and cleared the save's row")
                    .isEmpty();

            newHalf.release();
            save.get(30, TimeUnit.SECONDS);
            assertThat(databases.newIncidents()).as("NEW, after the save's NEW half").hasSize(1);
            assertThat(databases.pending(Side.OLD)).as("the key the save left to the repair").isNotEmpty()
                    .allMatch(row -> row.startsWith("i-1 NEW "));

            repair.repairNow();
        }
        // The save came first in OLD, the delete after it, acknowledged before the save returned: nothing is left.
        assertThat(databases.oldIncidents()).isEmpty();
        assertThat(databases.newIncidents()).as("NEW, after the repair").isEmpty();
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
    }

    private PendingSyncRepair repair(int batchSize) {
        return PendingSyncRepair.builder().migration(databases.migration).batchSize(batchSize)
                .meterRegistry(new SimpleMeterRegistry()).build();
    }

    /** The saving instance's OLD repository: runs {@link #afterOldSave} once, inside the save's transaction. */
    private final class AfterSave extends ForwardingIncidents {

        AfterSave(IncidentRepository target) {
            super(target);
        }

        @Override
        public void save(Incident incident) {
            super.save(incident);
            Runnable hook = afterOldSave.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
        }
    }

    private void elsewhere(Runnable call) {
        // On a thread of its own, so in transactions of its own, not in the save's.
        try {
            others.submit(call).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Incident incident(String title) {
        return new Incident("i-1", TwoDatabases.ORGANISATION, title, "fixing");
    }
}
