package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writers keep dual-writing while the secondary fails now and then and the repair syncs the same keys under them:
 * once the writers stop, one more pass leaves the two databases identical and nothing pending. Races are left to
 * chance here; {@link KeySyncTest} places the one that matters (a write landing inside a sync) deterministically.
 */
class ConcurrentRepairTest {

    private static final int WRITERS = 4;
    private static final int WRITES_PER_WRITER = 150;
    private static final int KEYS_PER_WRITER = 8;

    private TwoDatabases databases;
    private DualRepo dualRepo;
    private PendingSyncRepair repair;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).meterRegistry(registry).build();
        dualRepo = DualRepo.builder()
                .routeSource(InMemoryRouteSource.create().set("incidents", Stage.DUAL_WRITE))
                .meterRegistry(registry).dualWriteScope(scope).build();
        repair = PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build();
    }

    @AfterEach
    void tearDown() throws SQLException {
        repair.close();
        dualRepo.close();
        databases.close();
    }

    @Test
    void writersFailingSecondariesAndTheScheduledRepairConvergeWithNothingLost() throws Exception {
        // The schedule, and passes back to back besides, so that syncs overlap writes as often as possible.
        repair.start(Duration.ofMillis(1));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        Future<?> repairing = pool.submit(() -> {
            while (writing.get()) {
                repair.repairNow();
            }
        });
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> write(writer)));
        }
        for (Future<?> done : writers) {
            done.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);
        repairing.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        repair.close();

        RepairResult last = repair.repairNow();
        VerificationResult<String> verification = Verifier.builder(databases.migration)
                .meterRegistry(new SimpleMeterRegistry()).build().verify();

        assertThat(last.keysFailed()).isZero();
        assertThat(verification.isClean()).as(verification.summary()).isTrue();
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents());
        assertThat(databases.oldIncidents()).isNotEmpty();
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    private void write(int writer) {
        SplittableRandom random = new SplittableRandom(writer);
        FlakyModel newModel = new FlakyModel(new StatusTableIncidents(databases.newSessions), random);
        IncidentRepository incidents =
                new DualIncidentRepository(new LegacyIncidents(databases.oldSessions), newModel, dualRepo);
        for (int i = 0; i < WRITES_PER_WRITER; i++) {
            // Each writer has keys of its own: two callers racing on one OLD key is the application's business.
            String id = "w" + writer + "-" + random.nextInt(KEYS_PER_WRITER);
            if (random.nextInt(5) == 0) {
                incidents.deleteById(id);
            } else {
                String status = StatusIds.DEFAULTS.get(random.nextInt(StatusIds.DEFAULTS.size()));
                incidents.save(new Incident(id, TwoDatabases.ORGANISATION, "write " + i, status));
            }
        }
    }

    /** NEW failing a third of its writes, as a flaky network would. */
    private static final class FlakyModel implements IncidentRepository {
        private final IncidentRepository model;
        private final SplittableRandom random;

        FlakyModel(IncidentRepository model, SplittableRandom random) {
            this.model = model;
            this.random = random;
        }

        @Override
        public Optional<Incident> findById(String id) {
            return model.findById(id);
        }

        @Override
        public void save(Incident incident) {
            failSometimes();
            model.save(incident);
        }

        @Override
        public void deleteById(String id) {
            failSometimes();
            model.deleteById(id);
        }

        @Override
        public void updateStatus(String id, String status) {
            failSometimes();
            model.updateStatus(id, status);
        }

        private void failSometimes() {
            if (random.nextInt(3) == 0) {
                throw new IllegalStateException("connection reset");
            }
        }
    }
}
