package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.hibernate.backfill.World.Layout;
import io.dualrepo.hibernate.model.Incident;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A worker copies a batch on a thread of its own while it claims the next batch and checks the one before: that the
 * three really overlap, that a batch is still checked only once the next batch's copy has committed, and that a run
 * stopped during a copy still ends with every lease it claimed done. On H2 or PostgreSQL (-Ppostgresql).
 */
class BackfillPipelineTest {

    private static final int ROWS = 100;
    private static final int BATCH = 10;

    private World world;
    private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() throws Exception {
        elsewhere.shutdownNow();
        elsewhere.awaitTermination(10, TimeUnit.SECONDS);
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void whileABatchIsCopiedTheNextOneIsClaimedAndTheOneBeforeItChecked(Layout layout) {
        world = World.create(layout);
        List<String> keys = world.seed(ROWS);
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        // Batch 4's claim reads the page that starts at its first key; batch 1's check is the second read of the
        // page that starts at the first key.
        CountDownLatch batch4Claimed = new CountDownLatch(1);
        CountDownLatch batch1Checked = new CountDownLatch(1);
        Map<String, AtomicInteger> readsByFirstKey = new ConcurrentHashMap<>();
        oldModel.afterPage = (call, page) -> {
            if (page.isEmpty()) {
                return;
            }
            String first = page.get(0).id();
            int read = readsByFirstKey.computeIfAbsent(first, key -> new AtomicInteger()).incrementAndGet();
            if (first.equals(keys.get(3 * BATCH)) && read == 1) {
                batch4Claimed.countDown();
            }
            if (first.equals(keys.get(0)) && read == 2) {
                batch1Checked.countDown();
            }
        };
        AtomicBoolean overlapped = new AtomicBoolean();
        newModel.afterInsertAbsent = (call, values) -> {
            if (call == 3) {
                // Inside batch 3's copy: a worker that did one thing at a time would wait here for itself.
                overlapped.set(await(batch4Claimed) && await(batch1Checked));
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, newModel)).batchSize(BATCH).build().run();

        assertThat(overlapped).isTrue();
        assertThat(result.finished()).isTrue();
        assertThat(result.rowsScanned()).isEqualTo(ROWS);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, BATCH));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aBatchIsCheckedOnlyOnceTheNextBatchsCopyHasCommitted(Layout layout) {
        world = World.create(layout);
        List<String> keys = world.seed(ROWS);
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        Map<String, AtomicInteger> readsByFirstKey = new ConcurrentHashMap<>();
        List<String> checks = Collections.synchronizedList(new ArrayList<>());
        oldModel.afterPage = (call, page) -> {
            if (page.isEmpty()) {
                return;
            }
            String first = page.get(0).id();
            int batch = keys.indexOf(first) / BATCH + 1;
            int read = readsByFirstKey.computeIfAbsent(first, key -> new AtomicInteger()).incrementAndGet();
            if (read == 2 && batch < ROWS / BATCH) {
                // Batch n's check: batch n + 1's lease must say its copy committed.
                World.LeaseRow next = world.leases().get(batch);
                checks.add("batch " + batch + " checked with batch " + (batch + 1) + " " + next.status());
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(result.finished()).isTrue();
        assertThat(checks).hasSize(ROWS / BATCH - 1)
                .allSatisfy(check -> assertThat(check).matches("batch \\d+ checked with batch \\d+ (copied|done)"));
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aRunStoppedWhileABatchIsCopiedEndsWithEveryLeaseItClaimedDone(Layout layout) throws Exception {
        world = World.create(layout);
        List<String> keys = world.seed(ROWS);
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        AtomicReference<Thread> runner = new AtomicReference<>();
        newModel.afterInsertAbsent = (call, values) -> {
            if (call == 3) {
                // Stopped while batch 3 is copied; by then the worker has claimed batch 4, or is claiming it.
                runner.get().interrupt();
                sleep(100);
            }
        };
        Backfill<String, Incident> first = Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(BATCH).build();
        Future<List<Object>> running = elsewhere.submit(() -> {
            runner.set(Thread.currentThread());
            BackfillResult result = first.run();
            return List.of(result, Thread.currentThread().isInterrupted());
        });
        List<Object> stopped = running.get(30, TimeUnit.SECONDS);
        BackfillResult stoppedResult = (BackfillResult) stopped.get(0);

        assertThat(stoppedResult.finished()).isFalse();
        assertThat(stopped.get(1)).as("the interrupt is handed back to the caller's thread").isEqualTo(true);
        assertThat(stoppedResult.rowsScanned()).isBetween(3L * BATCH, ROWS - 2L * BATCH);
        // Nothing left for another worker to wait on: every batch claimed was copied and checked.
        assertThat(world.leases()).isNotEmpty().allSatisfy(lease -> assertThat(lease.status()).isEqualTo("done"));
        assertThat(world.leases()).extracting(World.LeaseRow::rowsDone).containsOnly((long) BATCH);

        // Another worker (its own id: it cannot take anything back at once) goes on from there without waiting.
        BackfillResult rest = Backfill.builder(world.migration).batchSize(BATCH).build().run();
        assertThat(rest.finished()).isTrue();
        assertThat(stoppedResult.rowsScanned() + rest.rowsScanned()).isEqualTo(ROWS);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, BATCH));
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
