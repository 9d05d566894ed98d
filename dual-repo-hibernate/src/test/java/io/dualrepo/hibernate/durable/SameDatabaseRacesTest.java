package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two callers write one key through a {@code SameDatabaseScope}. The first's primary half changes nothing (it saves
 * the value the row already has, or deletes a row that is not there), so it locks no row; it is then held before its
 * secondary half while the second caller's write commits in both models; then its secondary half lands over the
 * second's value in that model only. Both calls are acknowledged, and the models hold different values. Before the
 * fix nothing recorded the difference: no pending-sync row, so the repair never looked, and the model the record
 * calls complete stayed wrong (found by {@link ConcurrentHistoriesTest}). Now the write reads both models back in its
 * transaction and records the key, and the repair copies the primary's value.
 */
class SameDatabaseRacesTest {

    private static StageLayout database;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final Map<Side, HeldWrites> models = new EnumMap<>(Side.class);
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeAll
    static void createDatabase() {
        database = StageLayout.oneDatabase();
        // The tables the layout's reset empties.
        Backfill.builder(database.migration()).build().run();
        DatabaseMigrationRecord.builder(database.oldSessions()).build();
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void setUp() {
        database.reset();
        models.put(Side.OLD, new HeldWrites(new LegacyIncidents(database.oldSessions())));
        models.put(Side.NEW, new HeldWrites(new StatusTableIncidents(database.newSessions())));
        // The stage is set straight: the transition rules have tests of their own.
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(database.scope()).build();
        incidents = new DualIncidentRepository(models.get(Side.OLD), models.get(Side.NEW), dualRepo);
    }

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        dualRepo.close();
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"DUAL_WRITE", "LIVE"})
    void aSaveOfAnUnchangedValueRacedByAnotherWriteIsRecorded(Stage stage) throws Exception {
        routes.set(StageWorld.REPOSITORY, stage);
        incidents.save(incident("first"));

        Held unchanged = heldBetweenItsHalves(stage, () -> incidents.save(incident("first")));
        incidents.save(incident("second"));
        release(unchanged);

        assertRecordedAndRepaired(stage);
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = {"DUAL_WRITE", "LIVE"})
    void aDeleteOfAMissingRowRacedByAnotherWriteIsRecorded(Stage stage) throws Exception {
        routes.set(StageWorld.REPOSITORY, stage);

        Held gone = heldBetweenItsHalves(stage, () -> incidents.deleteById("i-1"));
        incidents.save(incident("second"));
        release(gone);

        assertRecordedAndRepaired(stage);
    }

    /** A call on a thread of its own, stopped before its secondary half, inside its transaction. */
    private record Held(HeldWrites.Hold hold, Future<?> call) {}

    private Held heldBetweenItsHalves(Stage stage, Runnable call) throws InterruptedException {
        HeldWrites.Hold hold = models.get(stage.route().primary().other()).holdNextWrite();
        Future<?> running = callers.submit(call);
        assertThat(hold.awaitEntered()).as("the first write reached its secondary half").isTrue();
        return new Held(hold, running);
    }

    private static void release(Held held) throws Exception {
        held.hold().release();
        held.call().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aKeyLeftApartIsSyncedBeforeTheCallReturnsThoughReadsMovedMeanwhile() throws Exception {
        routes.set(StageWorld.REPOSITORY, Stage.DUAL_WRITE);
        incidents.save(incident("first"));

        Held unchanged = heldBetweenItsHalves(Stage.DUAL_WRITE, () -> incidents.save(incident("first")));
        incidents.save(incident("second"));
        // While the first write is in flight, reads move to NEW: nothing waits for the repair yet, as the key's
        // record is in the held write's transaction.
        routes.set(StageWorld.REPOSITORY, Stage.LIVE);
        release(unchanged);

        // Both saves acknowledged; OLD, the held write's primary, holds "second". A read from NEW answering "first"
        // now and "second" once the repair ran would go back and forth with no write between.
        assertThat(incidents.findById("i-1").map(Incident::title)).contains("second");
        assertThat(title(Side.NEW)).contains("second");
    }

    private void assertRecordedAndRepaired(Stage stage) {
        Side primary = stage.route().primary();
        // The primary committed the second write last; the secondary took the first's half after it, and was
        // brought in line before the first call returned.
        assertThat(title(primary)).contains("second");
        assertThat(title(primary.other())).contains("second");
        assertThat(database.pendingRows()).as("the key the two writes left apart, recorded for the repair")
                .isEqualTo(1);

        PendingSyncRepair.builder().migration(database.migration()).meterRegistry(new SimpleMeterRegistry())
                .build().repairNow();

        assertThat(title(Side.OLD)).contains("second");
        assertThat(title(Side.NEW)).contains("second");
        assertThat(database.pendingRows()).isZero();
    }

    private static Incident incident(String title) {
        return new Incident("i-1", TwoDatabases.ORGANISATION, title, "fixing");
    }

    private static Optional<String> title(Side side) {
        var model = database.migration().model(side);
        return model.transactions().read(session -> model.find(session, "i-1")).map(Incident::title);
    }
}
