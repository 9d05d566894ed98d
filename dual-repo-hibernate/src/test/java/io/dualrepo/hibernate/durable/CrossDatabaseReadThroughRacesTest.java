package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read-through across two databases ({@link CrossDatabaseScope}), where NEW serves reads and a write that finds the
 * models apart after both its halves syncs NEW from OLD before it returns ({@link KeySync}). A round of that sync
 * reads OLD, then writes NEW in a transaction of NEW's database, and nothing holds OLD still in between: a save that
 * runs to its end there (both models, acknowledged) is overwritten in NEW by the value read before it. The next round
 * puts it back, but until then NEW, which answers reads first, serves the older value: a caller's read answered its
 * own acknowledged save's predecessor while another caller's save was in flight (found by {@link
 * ConcurrentHistoriesTest}, run seed {@value ConcurrentHistoriesTest#CROSS_READ_THROUGH_SEED}, PostgreSQL).
 *
 * <p>The interleaving is placed with a hook after each of the syncing caller's reads of OLD ({@link AfterFind}): the
 * other caller's saves run to their end on threads of their own, and what a reader sees in NEW is read at the
 * syncing caller's next read of OLD, after the round before it committed.
 */
class CrossDatabaseReadThroughRacesTest {

    private static final String SYNCING = "syncing-caller";

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ExecutorService others = Executors.newCachedThreadPool();
    private final AtomicInteger oldReads = new AtomicInteger();
    private final List<Optional<String>> readsDuringTheSync = new CopyOnWriteArrayList<>();
    private volatile Callable<?> firstRead = () -> null;
    private volatile Callable<?> secondRead = () -> null;
    private volatile Callable<?> laterReads = () -> null;
    private TwoDatabases databases;
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        Migration<String, Incident> migration = AfterFind.onOld(databases, call -> {
            if (!Thread.currentThread().getName().equals(SYNCING)) {
                return;
            }
            int read = oldReads.incrementAndGet();
            elsewhere(read == 1 ? firstRead : read == 2 ? secondRead : laterReads);
        });
        CrossDatabaseScope scope = CrossDatabaseScope.builder().migration(migration, TwoDatabases.KEYS)
                .meterRegistry(new SimpleMeterRegistry()).build();
        // The stage is set straight: the transition rules have tests of their own.
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(new LegacyIncidents(databases.oldSessions),
                new StatusTableIncidents(databases.newSessions), dualRepo);
        routes.set(StageWorld.REPOSITORY, Stage.readThrough(Comparison.OFF));
    }

    @AfterEach
    void tearDown() throws SQLException {
        others.shutdownNow();
        dualRepo.close();
        databases.close();
    }

    /**
     * The syncing caller saves z; its read-back reads OLD (z), and another caller's save of x runs to its end before
     * it reads NEW (x): apart, so it syncs NEW from OLD. The sync's first round reads OLD (x), and the other caller
     * saves y, both models, acknowledged. The round must not leave NEW with x, not even until the next round.
     */
    @Test
    void aSyncRoundNeverCommitsAValueASaveAcknowledgedMeanwhileReplaced() throws Exception {
        databases.put(Side.OLD, incident("w"));
        databases.put(Side.NEW, incident("w"));
        firstRead = () -> {
            incidents.save(incident("x"));
            return null;
        };
        secondRead = () -> {
            incidents.save(incident("y"));
            return null;
        };
        laterReads = () -> readsDuringTheSync.add(incidents.findById("i-1").map(Incident::title));

        FutureTask<Void> save = new FutureTask<>(() -> incidents.save(incident("z")), null);
        new Thread(save, SYNCING).start();
        save.get(30, TimeUnit.SECONDS);

        assertThat(oldReads.get()).as("the save's read-back and a sync round read OLD, then more").isGreaterThan(2);
        // The syncing save came first, then x, then y: y, acknowledged, is the last write.
        assertThat(readsDuringTheSync).as("reads during the sync, after the save of y returned").isNotEmpty()
                .containsOnly(Optional.of("y"));
        assertThat(incidents.findById("i-1").map(Incident::title)).contains("y");
        assertThat(databases.oldIncidents()).containsExactly("i-1 y fixing");
        assertThat(databases.newIncidents()).containsExactly("i-1 y fixing");
    }

    private void elsewhere(Callable<?> call) {
        // On a thread of its own, so in transactions of its own, not those of the sync it runs inside.
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
