package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two callers write the same key across two databases: the first commits in OLD, then is held before NEW's write
 * ({@link HeldWrites}) while the second writes both; the first then reaches NEW last. Both calls are acknowledged,
 * OLD committed the second's value last, and NEW held the first's with nothing recorded: a model that the record
 * says is complete served a value older than the primary's, and the verifier was clean until the first write landed
 * (found by {@link StageSequencesTest}). Now a write that both models took, but after which they hold different
 * values, leaves the key to the repair, which copies the primary's value.
 */
class ConcurrentDualWritesTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private TwoDatabases databases;
    private HeldWrites newModel;
    private DualRepo dualRepo;
    private IncidentRepository incidents;
    private PendingSyncRepair repair;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        routes.set("incidents", Stage.DUAL_WRITE);
        newModel = new HeldWrites(new StatusTableIncidents(databases.newSessions));
        CrossDatabaseScope scope = CrossDatabaseScope.builder().migration(databases.migration, TwoDatabases.KEYS)
                .meterRegistry(new SimpleMeterRegistry()).build();
        // The stage is set straight: the transition rules have tests of their own.
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(new LegacyIncidents(databases.oldSessions), newModel, dualRepo);
        repair = PendingSyncRepair.builder().migration(databases.migration).meterRegistry(new SimpleMeterRegistry())
                .build();
    }

    @AfterEach
    void tearDown() throws SQLException {
        callers.shutdownNow();
        repair.close();
        dualRepo.close();
        databases.close();
    }

    @Test
    void aWriteThatReachesTheSecondaryAfterANewerOneIsSyncedBeforeItReturns() throws Exception {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        HeldWrites.Hold first = newModel.holdNextWrite();
        Future<?> firstCall = callers.submit(
                () -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        assertThat(first.awaitEntered()).isTrue();

        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");

        first.release();
        firstCall.get(30, TimeUnit.SECONDS);

        // The held write landed in NEW after the newer one; seen when it read both back, and synced before it
        // returned: reads may have moved to NEW meanwhile, so the repair's next pass would be too late.
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(Verifier.builder(databases.migration).meterRegistry(new SimpleMeterRegistry()).build().verify()
                .isClean()).isTrue();
    }

    /** A repair that ran while the first write was held took its rows: the key is still brought in line. */
    @Test
    void aRepairThatTookTheHeldWritesRowsDoesNotLeaveTheKeyUnrecorded() throws Exception {
        incidents.save(new Incident("i-1", "org-1", "database slow", "investigating"));
        HeldWrites.Hold first = newModel.holdNextWrite();
        Future<?> firstCall = callers.submit(
                () -> incidents.save(new Incident("i-1", "org-1", "database slow", "fixing")));
        assertThat(first.awaitEntered()).isTrue();
        repair.repairNow();
        assertThat(databases.pending(Side.OLD)).isEmpty();
        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));

        first.release();
        firstCall.get(30, TimeUnit.SECONDS);

        assertThat(databases.newIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow monitoring");
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }
}
