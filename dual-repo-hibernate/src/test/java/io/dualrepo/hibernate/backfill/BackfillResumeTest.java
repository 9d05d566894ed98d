package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.hibernate.backfill.World.Layout;
import io.dualrepo.hibernate.model.Incident;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * A worker killed at each point of a batch's life, then resumed: by itself restarted (same worker id), or by another
 * worker once the dead one's leases expired. The result must be the one an uninterrupted run gives, down to the
 * lease rows, with every committed batch copied once.
 */
@Timeout(120)
class BackfillResumeTest {

    private static final int ROWS = 200;
    private static final int BATCH = 25;
    private static final int BATCHES = ROWS / BATCH;
    private static final Duration LEASE = Duration.ofMinutes(2);

    /** Where the first worker dies. Calls are numbered from 1; batch n is claimed by page n and inserted by insert n. */
    enum KillPoint {
        /** Reading the third batch under the checkpoint lock: the claim rolls back; batch 2 is copied, unchecked. */
        CLAIMING_BATCH_3,
        /** Inside the transaction inserting batch 2, after its statements ran: nothing of batch 2 commits. */
        INSERTING_BATCH_2,
        /**
         * Checking batch 1 for deletes, which happens after batch 2 is copied and while batch 3 is: the worker lets
         * batch 3's copy end, so three copied, unchecked batches.
         */
        CHECKING_BATCH_1,
        /** Inserting the last batch. */
        INSERTING_THE_LAST_BATCH,
        /** Checking the last batch, once everything is copied. */
        CHECKING_THE_LAST_BATCH
    }

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

    static Stream<Arguments> kills() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (KillPoint kill : KillPoint.values()) {
                // Alternate who resumes, so that each kill point is resumed both ways across the layouts.
                boolean sameWorker = (layout.ordinal() + kill.ordinal()) % 2 == 0;
                cases.add(Arguments.of(layout, kill, sameWorker));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, killed {1}, resumed by the same worker: {2}")
    @MethodSource("kills")
    void aKilledJobResumesToTheResultOfAnUninterruptedRun(Layout layout, KillPoint kill, boolean sameWorker) {
        world = World.create(layout);
        List<String> keys = world.seed(ROWS);
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        switch (kill) {
            case CLAIMING_BATCH_3 -> oldModel.afterPage = killAtRead(keys.get(2 * BATCH), 1, "claiming batch 3");
            case INSERTING_BATCH_2 -> newModel.afterInsertAbsent = HookedModel.killAt(2, "inserting batch 2");
            case CHECKING_BATCH_1 -> oldModel.afterPage = killAtRead(keys.get(0), 2, "checking batch 1");
            case INSERTING_THE_LAST_BATCH -> newModel.afterInsertAbsent = HookedModel.killAt(BATCHES, "inserting");
            case CHECKING_THE_LAST_BATCH -> oldModel.afterPage = killAtRead(keys.get(ROWS - BATCH), 2, "checking");
        }
        Backfill<String, Incident> first = Backfill.builder(world.migration(oldModel, newModel)).batchSize(BATCH)
                .workerId("worker-1").leaseDuration(LEASE).build();
        assertThatThrownBy(first::run).isInstanceOf(BackfillException.class)
                .hasMessageContaining(HookedModel.Killed.class.getName());
        long doneBeforeResume = world.leases().stream().filter(lease -> !lease.status().equals("active"))
                .mapToLong(World.LeaseRow::rowsDone).sum();
        assertThat(doneBeforeResume).isEqualTo(expectedDone(kill));

        List<BackfillProgress> seen = new ArrayList<>();
        Backfill.Builder<String, Incident> resumed = Backfill.builder(world.migration).batchSize(BATCH)
                .leaseDuration(LEASE).onProgress(seen::add);
        if (sameWorker) {
            resumed.workerId("worker-1");
        } else {
            // Another worker, after the dead one's leases ran out.
            resumed.workerId("worker-2").clock(Clock.offset(Clock.systemUTC(), LEASE.plusSeconds(1)));
        }
        BackfillResult result = resumed.build().run();

        assertThat(world.newRows()).hasSize(ROWS).isEqualTo(world.oldRows());
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, BATCH));
        assertThat(world.checkpoint()).isEqualTo(new World.CheckpointRow(keys.get(ROWS - 1), true, ROWS, ROWS, 0));
        // No committed batch copied again, none skipped.
        assertThat(result.rowsScanned()).isEqualTo(ROWS - doneBeforeResume);
        assertThat(result.finished()).isTrue();
        assertThat(seen.get(0).done()).isEqualTo(doneBeforeResume);
        assertThat(seen.get(seen.size() - 1).done()).isEqualTo(ROWS);
    }

    /**
     * Kills at the {@code time}-th page of the old model that starts at {@code firstKey}: a batch's claim reads its
     * range first, its check reads it again.
     */
    private static HookedModel.Hook<List<Incident>> killAtRead(String firstKey, int time, String where) {
        AtomicInteger reads = new AtomicInteger();
        return (call, page) -> {
            if (!page.isEmpty() && page.get(0).id().equals(firstKey) && reads.incrementAndGet() == time) {
                throw new HookedModel.Killed(where + " (page call " + call + ")");
            }
        };
    }

    private static long expectedDone(KillPoint kill) {
        return switch (kill) {
            case CLAIMING_BATCH_3 -> 2 * BATCH;
            case CHECKING_BATCH_1 -> 3 * BATCH;
            case INSERTING_BATCH_2 -> BATCH;
            case INSERTING_THE_LAST_BATCH -> ROWS - BATCH;
            case CHECKING_THE_LAST_BATCH -> ROWS;
        };
    }

    @Test
    void aWorkerWithADifferentIdWaitsForALiveLeaseRatherThanCopyingItToo() throws Exception {
        world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
        world.seed(80);
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        // Batch 3 is claimed while batch 2 is copied: worker-1 dies holding two live leases.
        newModel.afterInsertAbsent = HookedModel.killAt(2, "inserting batch 2");
        assertThatThrownBy(() -> Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(20).workerId("worker-1").build().run()).isInstanceOf(BackfillException.class)
                .hasMessageContaining(HookedModel.Killed.class.getName());

        // worker-1's leases on batches 2 and 3 have not expired: worker-2 copies batch 4, then waits rather than
        // finishing the job or copying batches 2 and 3 behind leases that may still be alive.
        Backfill<String, Incident> second = Backfill.builder(world.migration).batchSize(20).workerId("worker-2")
                .pollInterval(Duration.ofMillis(20)).build();
        var running = elsewhere.submit(second::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!statuses().equals(List.of("copied", "active", "active", "done")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertThat(running.isDone()).isFalse();
        // Batch 1 is worker-1's too: copied before it died, its delete check never ran.
        assertThat(statuses()).containsExactly("copied", "active", "active", "done");
        assertThat(world.newRows()).hasSize(40);

        // worker-1 comes back and gives its leases up at once; whichever of the two takes batch 2 or 3 copies it,
        // once.
        BackfillResult back = Backfill.builder(world.migration).batchSize(20).workerId("worker-1").build().run();
        BackfillResult waited = running.get(10, TimeUnit.SECONDS);

        assertThat(back.finished()).isTrue();
        assertThat(waited.finished()).isTrue();
        assertThat(waited.rowsScanned()).isGreaterThanOrEqualTo(20);
        assertThat(back.rowsScanned() + waited.rowsScanned()).isEqualTo(60);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(world.leases()).extracting(World.LeaseRow::attempts).containsExactly(2, 2, 2, 1);
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverRollsItsBatchBack() {
        world = World.create(Layout.NEW_TABLES_ONE_DATABASE);
        List<String> keys = world.seed(60);
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        // While worker-1 is inside batch 2's transaction, its lease expires and worker-2 takes it over and
        // finishes the job: worker-1's batch must not count twice. Worker-1 claims batch 3 while batch 2 is copied;
        // worker-2 starts once that claim is in, and takes batch 3 over too.
        Clock late = Clock.offset(Clock.systemUTC(), LEASE.plusSeconds(1));
        List<BackfillResult> other = new ArrayList<>();
        newModel.afterInsertAbsent = (call, values) -> {
            if (call == 2) {
                awaitLeases(3);
                other.add(runElsewhere(() -> Backfill.builder(world.migration).batchSize(20).workerId("worker-2")
                        .clock(late).build().run()));
            }
        };

        BackfillResult first = Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(20).workerId("worker-1").leaseDuration(LEASE).build().run();

        assertThat(other.get(0).rowsScanned()).isEqualTo(40);
        assertThat(first.rowsScanned()).isEqualTo(20);
        assertThat(first.rowsScanned() + other.get(0).rowsScanned()).isEqualTo(60);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, 20));
        // worker-2 also took over batch 1, copied by worker-1 and still waiting for its delete check.
        assertThat(world.leases()).extracting(World.LeaseRow::owner)
                .containsExactly("worker-2", "worker-2", "worker-2");
        assertThat(world.leases()).extracting(World.LeaseRow::attempts).containsExactly(2, 2, 2);
    }

    @Test
    void anInterruptedRunEndsItsBatchReturnsAndTheNextRunGoesOnFromThere() throws Exception {
        world = World.create(Layout.NEW_TABLES_ONE_DATABASE);
        List<String> keys = world.seed(ROWS);
        CountDownLatch thirdBatch = new CountDownLatch(3);
        Backfill<String, Incident> first = Backfill.builder(world.migration).batchSize(BATCH).rowsPerSecond(100)
                .onProgress(progress -> thirdBatch.countDown()).build();
        Future<BackfillResult> running = elsewhere.submit(first::run);
        assertThat(thirdBatch.await(30, TimeUnit.SECONDS)).isTrue();
        elsewhere.shutdownNow();

        BackfillResult stopped = running.get(30, TimeUnit.SECONDS);
        BackfillResult rest = Backfill.builder(world.migration).batchSize(BATCH).build().run();

        // At 100 rows/s a batch of 25 every quarter second: the interrupt lands well before the end.
        assertThat(stopped.finished()).isFalse();
        assertThat(stopped.rowsScanned()).isBetween(2L * BATCH, ROWS - 2L * BATCH);
        assertThat(stopped.toString()).contains("stopped before the end");
        // It checked its last batch before returning: nothing of it is left for the next run but new batches.
        assertThat(rest.rowsScanned()).isEqualTo(ROWS - stopped.rowsScanned());
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, BATCH));
    }

    @Test
    void everyLogLineNamesTheJob() {
        Logger logger = (Logger) LoggerFactory.getLogger(Backfill.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
            world.seed(100);
            HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
            newModel.afterInsertAbsent = HookedModel.killAt(2, "inserting batch 2");
            assertThatThrownBy(() -> Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                    .batchSize(20).workerId("worker-1").build().run()).isInstanceOf(BackfillException.class)
                    .hasMessageContaining(HookedModel.Killed.class.getName());
            Backfill.builder(world.migration).batchSize(20).workerId("worker-1").logInterval(Duration.ofNanos(1))
                    .build().run();
            Backfill.builder(world.migration).build().run();
            Backfill.builder(world.migration).dryRun().build().run();
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).hasSizeGreaterThan(8);
        assertThat(appender.list).allSatisfy(event ->
                assertThat(event.getFormattedMessage()).startsWith("backfill incidents"));
        assertThat(appender.list).anySatisfy(event ->
                assertThat(event.getFormattedMessage()).contains("taking back its own unfinished batch 2"));
        assertThat(appender.list).anySatisfy(event ->
                assertThat(event.getFormattedMessage()).contains("of 100 rows"));
    }

    private List<String> statuses() {
        return world.leases().stream().map(World.LeaseRow::status).toList();
    }

    /** Waits (up to 10 s) until the job has this many leases: another thread of the worker is claiming. */
    private void awaitLeases(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (world.leases().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job never had " + count + " leases: " + world.leases());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private <T> T runElsewhere(java.util.concurrent.Callable<T> work) {
        try {
            return elsewhere.submit(work).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
