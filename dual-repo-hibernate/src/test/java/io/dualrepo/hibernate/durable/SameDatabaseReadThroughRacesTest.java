package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.ForwardingIncidents;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read-through with both models in one database ({@code SameDatabaseScope}): a save of the value the row already
 * holds changes nothing in either model, so it locks nothing, and its read-back of the two models (one statement
 * each, in its transaction) can see OLD before and NEW after another caller's writes committed. It then finds them
 * apart and, since NEW serves reads, gives NEW the value it read from OLD. Before the fix that value was the one from
 * before the other writes (read again from the read-back's first-level cache), so NEW held a deleted row again: reads
 * answered the save after the delete was acknowledged, and the repair then removed it (found by {@link
 * ConcurrentHistoriesTest}, run seed {@value ConcurrentHistoriesTest#READ_THROUGH_SEED}).
 */
class SameDatabaseReadThroughRacesTest {

    private static HeldFinds<String, Incident> newModelReads;
    private static StageLayout database;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeAll
    static void createDatabase() {
        database = StageLayout.oneDatabase(migration -> {
            newModelReads = new HeldFinds<>(migration.newModel());
            return Migration.of(migration.name(), migration.keyType(), migration.oldModel(), newModelReads);
        });
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
        // The stage is set straight: the transition rules have tests of their own.
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(database.scope()).build();
        incidents = new DualIncidentRepository(new LegacyIncidents(database.oldSessions()),
                new StatusTableIncidents(database.newSessions()), dualRepo);
        routes.set(StageWorld.REPOSITORY, Stage.readThrough(Comparison.OFF));
    }

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        dualRepo.close();
    }

    @Test
    void aReadBackThatSawOldBeforeADeleteDoesNotGiveNewTheDeletedRowAgain() throws Exception {
        incidents.save(incident("x"));

        // The unchanged save's read-back has read OLD (x) and is held before it reads NEW.
        HeldFinds.Hold betweenTheModels = newModelReads.holdNextFind();
        Future<?> unchanged = callers.submit(() -> incidents.save(incident("x")));
        assertThat(betweenTheModels.awaitEntered()).as("the unchanged save reached its read-back").isTrue();
        incidents.save(incident("y"));
        incidents.deleteById("i-1");
        betweenTheModels.release();
        unchanged.get(30, TimeUnit.SECONDS);

        // The unchanged save took effect before the update: the delete, acknowledged, is the last write.
        assertThat(title(Side.OLD)).isEmpty();
        assertThat(incidents.findById("i-1")).as("a read after all three returned").isEmpty();
        assertThat(title(Side.NEW)).isEmpty();
        PendingSyncRepair.builder().migration(database.migration()).meterRegistry(new SimpleMeterRegistry())
                .build().repairNow();
        assertThat(title(Side.OLD)).isEmpty();
        assertThat(title(Side.NEW)).isEmpty();
    }

    /**
     * The alignment itself reads OLD, then writes NEW, locking nothing in between: a delete that commits there would
     * leave NEW with the row it deleted. The check after the commit would take it out again, but readers could see it
     * until then; the alignment reads both models again after its write and must not commit the deleted row at all.
     * What other transactions see in NEW is read at each of the save's later reads of NEW (the read-back's and the
     * check's after the commit).
     */
    @Test
    void aDeleteThatCommitsWhileTheReadBackAlignsNewIsNeverVisibleUndone() throws Exception {
        incidents.save(incident("x"));

        HeldFinds.Hold betweenTheModels = newModelReads.holdNextFind();
        Future<?> unchanged = callers.submit(() -> incidents.save(incident("x")));
        assertThat(betweenTheModels.awaitEntered()).as("the unchanged save reached its read-back").isTrue();
        // The read-back then sees OLD before this update (x) and NEW after it (y): apart, so it aligns NEW to OLD.
        incidents.save(incident("y"));
        HeldFinds.Hold beforeTheAlignment = newModelReads.holdNextPut();
        betweenTheModels.release();
        assertThat(beforeTheAlignment.awaitEntered()).as("the read-back aligns NEW to what OLD holds (y)").isTrue();
        incidents.deleteById("i-1");
        List<Optional<String>> committedInNew = new CopyOnWriteArrayList<>();
        StatusTableIncidents newRepository = new StatusTableIncidents(database.newSessions());
        // On a thread of its own, so in a transaction of its own, not the save's.
        newModelReads.onEachFind(() -> committedInNew.add(elsewhere(() -> newRepository.findById("i-1"))
                .map(Incident::title)));
        beforeTheAlignment.release();
        unchanged.get(30, TimeUnit.SECONDS);
        newModelReads.onEachFind(() -> {});

        assertThat(committedInNew).as("NEW as other transactions saw it after the delete returned").isNotEmpty()
                .containsOnly(Optional.empty());
        assertThat(title(Side.OLD)).isEmpty();
        assertThat(incidents.findById("i-1")).as("a read after all four returned").isEmpty();
        assertThat(title(Side.NEW)).isEmpty();
    }

    private <T> T elsewhere(Callable<T> read) {
        try {
            return callers.submit(read).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A migrate-on-read copy across instances: the read finds the row in OLD only, and another instance deletes it
     * right after the read of OLD, to its end. The decorator's copy, ordered with its own instance's writes only, then
     * put the row into NEW, which served it after the acknowledged delete, for good (found by {@link
     * ConcurrentHistoriesTest} with two instances, run seed {@value
     * ConcurrentHistoriesTest#SAME_DATABASE_CROSS_INSTANCE_COPY_SEED}). The scope makes the copy from OLD's current
     * state ({@link PendingKeys#copyToNew}), which has no row.
     */
    @Test
    void aCopyOnReadNeverPutsBackARowAnotherInstanceDeletedAfterTheRead() throws Exception {
        var oldModel = database.migration().oldModel();
        oldModel.transactions().runInTransaction(session -> {
            oldModel.put(session, incident("w"));
        });
        try (DualRepo other = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(database.scope()).build()) {
            IncidentRepository otherInstance = new DualIncidentRepository(new LegacyIncidents(database.oldSessions()),
                    new StatusTableIncidents(database.newSessions()), other);
            IncidentRepository oldThenDelete = new ForwardingIncidents(new LegacyIncidents(database.oldSessions())) {
                private boolean deleted;

                @Override
                public Optional<Incident> findById(String id) {
                    Optional<Incident> found = super.findById(id);
                    if (!deleted) {
                        deleted = true;
                        runElsewhere(() -> otherInstance.deleteById(id));
                    }
                    return found;
                }
            };
            IncidentRepository reading = new DualIncidentRepository(oldThenDelete,
                    new StatusTableIncidents(database.newSessions()), dualRepo);

            assertThat(reading.findMigrating("i-1").map(Incident::title)).as("the read, before the delete")
                    .contains("w");
        }

        assertThat(incidents.findById("i-1")).as("a read after the delete returned").isEmpty();
        assertThat(title(Side.OLD)).isEmpty();
        assertThat(title(Side.NEW)).as("NEW after the copy").isEmpty();
    }

    private void runElsewhere(Runnable call) {
        // On a thread of its own, so in transactions of its own.
        try {
            callers.submit(call).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Incident incident(String title) {
        return new Incident("i-1", TwoDatabases.ORGANISATION, title, "fixing");
    }

    private static Optional<String> title(Side side) {
        var model = database.migration().model(side);
        return model.transactions().read(session -> model.find(session, "i-1")).map(Incident::title);
    }
}
