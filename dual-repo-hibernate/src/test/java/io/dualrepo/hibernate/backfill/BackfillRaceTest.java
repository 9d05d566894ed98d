package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.hibernate.backfill.World.Layout;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.StatusIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backfill against dual writes: deterministic interleavings at the dangerous points (between its read and its
 * insert, between its insert and its delete check, inside its removal), then writers at random while it runs.
 * Dual writes go through the generated decorator, in DUAL_WRITE, on other threads: transactions of their own.
 */
@Timeout(120)
class BackfillRaceTest {

    private static final int ROWS = 120;
    private static final int BATCH = 20;
    /** In the third batch: old rows are the even keys, 20 to a batch. */
    private static final String KEY = World.key(2 * 50);

    private World world;
    private final ExecutorService elsewhere = Executors.newCachedThreadPool();

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
    void aDualWriteBetweenTheReadAndTheInsertIsNotOverwritten(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        Incident newer = new Incident(KEY, "org-3", "renamed while copied", "closed");
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        // The backfill holds the page with the old value of KEY; the dual write lands before its insert.
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY)) {
                elsewhere(() -> incidents.save(newer));
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(newModelAt(KEY)).contains(newer);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsWritten()).isEqualTo(ROWS - 1);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void partialUpdateDuringBatchIsNotOverwritten(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        Incident updated = new Incident(KEY, World.incident(100).organisationId(), World.incident(100).title(),
                "closed");
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        // Issue 12, case 9: the backfill holds the page with KEY, which the new model does not hold yet. An
        // acknowledged partial update of KEY commits in the old model and changes nothing in the new one (its
        // update finds no row); then the backfill inserts the value it read before the update.
        AtomicBoolean once = new AtomicBoolean();
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY) && once.compareAndSet(false, true)) {
                elsewhere(() -> incidents.updateStatus(KEY, "closed"));
                assertThat(newModelAt(KEY)).as("the new model before the backfill copies KEY").isEmpty();
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(once).isTrue();
        assertThat(oldModelAt(KEY)).contains(updated);
        assertThat(newModelAt(KEY)).contains(updated);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsWritten()).isEqualTo(ROWS);
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NEW_TABLES_TWO_DATABASES", "NEW_TABLES_ONE_DATABASE"})
    void aDualWriteInsertingAKeyOfTheBatchFirstMakesTheBatchRetryAndKeepsTheDualWrite(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        Incident newer = new Incident(KEY, "org-3", "inserted meanwhile", "monitoring");
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        // insertAbsent saw KEY absent and queued its insert; the dual write commits KEY before that insert is
        // flushed, which then fails on the primary key: the batch must retry, not fail, and not overwrite.
        AtomicBoolean once = new AtomicBoolean();
        newModel.afterInsertAbsent = (call, values) -> {
            if (contains(values, KEY) && once.compareAndSet(false, true)) {
                elsewhere(() -> incidents.save(newer));
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        BackfillResult result = Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(BATCH).meterRegistry(registry).build().run();

        assertThat(registry.get(BackfillMetrics.RETRIES).tag(BackfillMetrics.TAG_JOB, World.JOB).counter().count())
                .isEqualTo(1);
        assertThat(newModelAt(KEY)).contains(newer);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsWritten()).isEqualTo(ROWS - 1);
        assertThat(world.leases().get(2).rowsWritten()).isEqualTo(BATCH - 1);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aDeleteBetweenTheReadAndTheInsertDoesNotBringTheRowBack(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY)) {
                elsewhere(() -> incidents.deleteById(KEY));
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(newModelAt(KEY)).isEmpty();
        assertThat(world.newRows()).hasSize(ROWS - 1).isEqualTo(world.oldRows());
        // New tables: the insert brought the deleted row back and the check removed it. Same table: the insert
        // had no row left to fill.
        long removedAgain = layout == Layout.SAME_TABLE ? 0 : 1;
        assertThat(result.rowsRemoved()).isEqualTo(removedAgain);
        assertThat(world.leases().get(2).rowsRemoved()).isEqualTo(removedAgain);
        assertThat(world.checkpoint().rowsRemoved()).isEqualTo(removedAgain);
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NEW_TABLES_TWO_DATABASES", "NEW_TABLES_ONE_DATABASE"})
    void aDeleteWhoseTransactionCommitsAfterTheInsertIsStillUndone(Layout layout) throws Exception {
        world = World.create(layout);
        world.seed(ROWS);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The delete of KEY has run in both models and waits, uncommitted where the scope is one transaction,
        // until the backfill has committed the batch that copied KEY back.
        IncidentRepository incidents = world.dualRepository(newRepository -> new PausingDeletes(newRepository,
                paused, release));
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        List<Future<?>> delete = new ArrayList<>();
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY) && delete.isEmpty()) {
                delete.add(elsewhere.submit(() -> incidents.deleteById(KEY)));
                await(paused);
            } else if (!delete.isEmpty() && release.getCount() > 0) {
                // The next claim: the batch with KEY is copied and committed. Let the delete commit now; a check
                // made right after that batch's commit would have been too early to see it.
                release.countDown();
                await(delete.get(0));
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(delete).hasSize(1);
        assertThat(newModelAt(KEY)).isEmpty();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsRemoved()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aKeyPutBackBetweenTheDeleteCheckAndTheRemovalIsKept(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        Incident recreated = new Incident(KEY, "org-2", "created again", "fixing");
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        // The claim reads KEY; a dual write deletes it. Then the check re-reads the batch's range, sees KEY gone
        // from the old model, and before the removal a dual write creates KEY again in both models. Removing it
        // now would lose that write in the new model.
        AtomicBoolean deleted = new AtomicBoolean();
        AtomicBoolean once = new AtomicBoolean();
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY) && deleted.compareAndSet(false, true)) {
                elsewhere(() -> incidents.deleteById(KEY));
            } else if (deleted.get() && spansWithout(page, KEY) && once.compareAndSet(false, true)) {
                elsewhere(() -> incidents.save(recreated));
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(once).isTrue();
        assertThat(newModelAt(KEY)).contains(recreated);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsRemoved()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NEW_TABLES_TWO_DATABASES", "NEW_TABLES_ONE_DATABASE"})
    void aDeleteRacingACopyWhoseWorkerDiedIsUndoneByTheWorkerThatTakesOver(Layout layout) {
        world = World.create(layout);
        world.seed(ROWS);
        IncidentRepository incidents = world.dualRepository();
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        // Dies at its first delete check that would have seen KEY gone (its re-read of the batch's range): the
        // batch is copied, KEY is back in the new model, and nothing records which keys that batch inserted.
        AtomicBoolean deleted = new AtomicBoolean();
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY) && deleted.compareAndSet(false, true)) {
                elsewhere(() -> incidents.deleteById(KEY));
            } else if (deleted.get() && spansWithout(page, KEY)) {
                throw new HookedModel.Killed("checking the batch with " + KEY);
            }
        };
        assertThatThrownBy(() -> Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).workerId("worker-1").build().run()).isInstanceOf(BackfillException.class)
                .hasMessageContaining(HookedModel.Killed.class.getName());
        assertThat(newModelAt(KEY)).isPresent();

        BackfillResult result = Backfill.builder(world.migration).batchSize(BATCH).workerId("worker-2")
                .clock(Clock.offset(Clock.systemUTC(), Backfill.DEFAULT_LEASE_DURATION.plusSeconds(1))).build().run();

        assertThat(newModelAt(KEY)).isEmpty();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
        assertThat(result.rowsRemoved()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"NEW_TABLES_ONE_DATABASE", "SAME_TABLE"})
    void withWritersUpdatingCreatingAndDeletingAtRandomTheNewModelEndsEqualToTheOld(Layout layout)
            throws Exception {
        world = World.create(layout);
        int rows = 1500;
        world.seed(rows);
        IncidentRepository incidents = world.dualRepository();
        AtomicBoolean copying = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long seed = 31L * w + layout.ordinal();
            writers.add(elsewhere.submit(() -> {
                Random random = new Random(seed);
                while (copying.get()) {
                    // Keys across the whole range, odd ones new: writes land behind, inside and ahead of the copy.
                    int i = random.nextInt(2 * rows);
                    int op = random.nextInt(10);
                    try {
                        if (op < 7) {
                            incidents.save(new Incident(World.key(i), World.ORGANISATIONS.get(i % 3),
                                    "incident " + i + " v" + random.nextInt(1000),
                                    StatusIds.DEFAULTS.get(random.nextInt(4))));
                        } else {
                            incidents.deleteById(World.key(i));
                        }
                        writes.incrementAndGet();
                    } catch (RuntimeException conflict) {
                        // Refused as a whole (one transaction over both models): the caller would retry.
                        refused.incrementAndGet();
                    }
                }
            }));
        }

        BackfillResult result;
        try {
            // Throttled so that the writers get a second or so of copying to race with.
            result = Backfill.builder(world.migration).batchSize(40).rowsPerSecond(1500).build().run();
        } finally {
            copying.set(false);
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(result.finished()).isTrue();
        assertThat(writes.get()).as("dual writes made while copying (%d refused)", refused.get())
                .isGreaterThan(200);
        List<Incident> oldRows = world.oldRows();
        assertThat(oldRows).hasSizeGreaterThan(rows / 2);
        assertThat(world.newRows()).isEqualTo(oldRows);
    }

    @Test
    void aWriterOnlyInTheOldModelBeforeTheBatchIsCheckedIsCaughtByTheCheck() {
        // Without dual writes: an old-model update made between the read and the insert is in the new model once
        // the batch's check has re-read it; an update after that check would not be (which is why dual writes
        // must be on first).
        world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
        world.seed(ROWS);
        Incident oldOnly = new Incident(KEY, "org-1", "old only", "closed");
        HookedModel<String, Incident> oldModel = new HookedModel<>(world.migration.oldModel());
        AtomicBoolean once = new AtomicBoolean();
        oldModel.afterPage = (call, page) -> {
            if (contains(page, KEY) && once.compareAndSet(false, true)) {
                elsewhere(() -> world.migration.oldModel().transactions().runInTransaction(session -> {
                    world.migration.oldModel().put(session, oldOnly);
                }));
            }
        };

        Backfill.builder(world.migration(oldModel, world.migration.newModel())).batchSize(BATCH).build().run();

        assertThat(newModelAt(KEY)).contains(oldOnly);
    }

    private Optional<Incident> newModelAt(String key) {
        return world.migration.newModel().transactions().read(session -> world.migration.newModel().find(session,
                key));
    }

    private static boolean contains(List<Incident> values, String key) {
        return values.stream().anyMatch(incident -> incident.id().equals(key));
    }

    /** A page that reads across {@code key} without finding it: the check's re-read of a batch once key is gone. */
    private static boolean spansWithout(List<Incident> page, String key) {
        return !page.isEmpty() && page.get(0).id().compareTo(key) < 0
                && page.get(page.size() - 1).id().compareTo(key) > 0 && !contains(page, key);
    }

    private Optional<Incident> oldModelAt(String key) {
        return world.migration.oldModel().transactions().read(session -> world.migration.oldModel().find(session,
                key));
    }

    /** Runs a dual write on another thread (so in a transaction of its own) and waits for it. */
    private void elsewhere(Runnable write) {
        elsewhere(() -> {
            write.run();
            return null;
        });
    }

    private <T> T elsewhere(Callable<T> write) {
        return await(elsewhere.submit(write));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The new model's repository, holding a delete open after it ran, until released. */
    private record PausingDeletes(IncidentRepository delegate, CountDownLatch paused, CountDownLatch release)
            implements IncidentRepository {
        @Override
        public Optional<Incident> findById(String id) {
            return delegate.findById(id);
        }

        @Override
        public void save(Incident incident) {
            delegate.save(incident);
        }

        @Override
        public void deleteById(String id) {
            delegate.deleteById(id);
            paused.countDown();
            await(release);
        }

        @Override
        public void updateStatus(String id, String status) {
            delegate.updateStatus(id, status);
        }
    }
}
