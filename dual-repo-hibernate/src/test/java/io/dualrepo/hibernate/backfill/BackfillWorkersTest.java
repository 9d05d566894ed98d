package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.TestDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.hibernate.backfill.World.Layout;
import io.dualrepo.hibernate.model.Incident;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several workers of one job started at once, as several instances of a service would be: PostgreSQL only, where
 * they are meant to run (with -Ppostgresql; skipped on H2). Each worker has its own Backfill, thread and
 * connections, as it would in its own process.
 */
@Timeout(180)
class BackfillWorkersTest {

    private static final int ROWS = 10_000;
    private static final int BATCH = 100;

    private World world;
    private final ExecutorService workers = Executors.newCachedThreadPool();

    @BeforeEach
    void onPostgresql() {
        Assumptions.assumeTrue(TestDatabase.postgresql(), "several workers at once: PostgreSQL only (-Ppostgresql)");
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NEW_TABLES_TWO_DATABASES", "SAME_TABLE"})
    void workersStartedAtOnceSplitTheKeysWithNoneDoneTwiceAndNoneMissed(Layout layout) throws Exception {
        world = World.create(layout);
        List<String> keys = world.seed(ROWS);

        List<BackfillResult> results = runAtOnce("worker-a", "worker-b", "worker-c");

        assertThat(world.newRows()).hasSize(ROWS).isEqualTo(world.oldRows());
        // Every key in exactly one batch, each batch copied once by one worker: the tiling of an uninterrupted
        // single worker, with no batch tried twice.
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, BATCH));
        assertThat(world.leases()).extracting(World.LeaseRow::attempts).containsOnly(1);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.finished()).isTrue();
            // Each worker took part: a worker that copied nothing would not show that the claims interleave.
            assertThat(result.rowsScanned()).isPositive();
        });
        assertThat(results.stream().mapToLong(BackfillResult::rowsScanned).sum()).isEqualTo(ROWS);
        assertThat(results.stream().mapToLong(BackfillResult::rowsWritten).sum()).isEqualTo(ROWS);
        Map<String, Long> rowsByOwner = world.leases().stream().collect(Collectors.groupingBy(World.LeaseRow::owner,
                Collectors.summingLong(World.LeaseRow::rowsDone)));
        assertThat(rowsByOwner).containsOnlyKeys("worker-a", "worker-b", "worker-c");
        assertThat(rowsByOwner.values()).containsExactlyInAnyOrderElementsOf(
                results.stream().map(BackfillResult::rowsScanned).toList());
        assertThat(world.checkpoint()).isEqualTo(new World.CheckpointRow(keys.get(ROWS - 1), true, ROWS, ROWS, 0));
    }

    private List<BackfillResult> runAtOnce(String... workerIds) throws Exception {
        CountDownLatch ready = new CountDownLatch(workerIds.length);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BackfillResult>> running = new ArrayList<>();
        for (String workerId : workerIds) {
            // Paced so that no worker can finish the job alone before the others are under way.
            Backfill<String, Incident> backfill = Backfill.builder(world.migration).batchSize(BATCH)
                    .workerId(workerId).rowsPerSecond(10_000).pollInterval(Duration.ofMillis(50)).build();
            running.add(workers.submit(() -> {
                ready.countDown();
                go.await();
                return backfill.run();
            }));
        }
        ready.await();
        go.countDown();
        List<BackfillResult> results = new ArrayList<>();
        for (Future<BackfillResult> result : running) {
            results.add(result.get(120, TimeUnit.SECONDS));
        }
        return results;
    }
}
