package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.Stage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 12, case 5: a read-through read copies what OLD answered into NEW, and a write on the same key may run
 * between that read of OLD and the end of the copy. Each test parks one call inside a model with latches, runs
 * the other call to its end, then lets the first go on: the interleaving is forced, never left to timing.
 *
 * <p>Under read-through, writes go to OLD first, then NEW. {@code findById} copies with {@code save} (an upsert),
 * {@code loadById} with {@code insertIfAbsent}.
 */
class ReadThroughRacesTest {

    private static final String READER = "read-through-reader";
    private static final String WRITER = "read-through-writer";
    private static final Order FIRST = Order.of("o-1", "c-1");
    private static final Order UPDATED = FIRST.withStatus("shipped");

    @ParameterizedTest(name = "{0}, copied with {1}")
    @CsvSource({"findById, save", "loadById, insertIfAbsent"})
    void aDeleteDuringAReadThroughIsNotUndone(String read, String copyMethod) throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch copyStarted = new CountDownLatch(1);
            CountDownLatch deleted = new CountDownLatch(1);
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(READER) && method.equals(copyMethod)) {
                    copyStarted.countDown();
                    deleted.await();
                }
            };

            // The reader found nothing in NEW and FIRST in OLD, and its copy is about to write NEW.
            FutureTask<Void> reader = start(READER, () -> read(harness, read));
            await(copyStarted);
            harness.orders.deleteById("o-1");
            deleted.countDown();
            finish(reader);

            assertThat(harness.newModel.rows).doesNotContainKey("o-1");
            assertThat(read(harness, read)).isEmpty();
            assertThat(harness.newModel.rows).doesNotContainKey("o-1");
        }
    }

    @ParameterizedTest(name = "{0}, copied with {1}")
    @CsvSource({"findById, save", "loadById, insertIfAbsent"})
    void aDeleteHalfDoneWhenAReadThroughCopiesIsNotUndone(String read, String copyMethod) throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch oldHalfDone = new CountDownLatch(1);
            CountDownLatch readDone = new CountDownLatch(1);
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(WRITER)) {
                    oldHalfDone.countDown();
                    readDone.await();
                }
            };

            // Under read-through OLD is written first: the delete has removed the row from OLD and waits to remove it
            // from NEW (which never had it: not migrated yet). The read finds it in neither, and copies nothing.
            FutureTask<Void> writer = start(WRITER, () -> harness.orders.deleteById("o-1"));
            await(oldHalfDone);
            Optional<Order> duringTheDelete = read(harness, read);
            readDone.countDown();
            finish(writer);

            assertThat(duringTheDelete).isEmpty();
            assertThat(harness.newModel.rows).doesNotContainKey("o-1");
            assertThat(read(harness, read)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}, copied with {1}")
    @CsvSource({"findById, save", "loadById, insertIfAbsent"})
    void anUpdateDuringAReadThroughCopyIsNotRolledBack(String read, String copyMethod) throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch copyStarted = new CountDownLatch(1);
            CountDownLatch updated = new CountDownLatch(1);
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(READER) && method.equals(copyMethod)) {
                    copyStarted.countDown();
                    updated.await();
                }
            };

            FutureTask<Void> reader = start(READER, () -> read(harness, read));
            await(copyStarted);
            harness.orders.save(UPDATED);
            updated.countDown();
            finish(reader);

            // NEW holds the update or nothing (reads then fall back to OLD), never the value read before it.
            assertThat(harness.newModel.rows.get("o-1")).isIn(null, UPDATED);
            assertThat(read(harness, read)).contains(UPDATED);
            assertThat(harness.newModel.rows).containsEntry("o-1", UPDATED);
        }
    }

    /**
     * The write starts after the copy's last look at the writes running and would end before the copy reaches NEW:
     * the copy would overwrite it there with the value read before it, and NEW, which answers reads first, would
     * serve that until the copy saw the write and took itself back, after the write was acknowledged (found by
     * {@code ConcurrentHistoriesTest} across two databases). The write waits for the copy instead, and lands after it.
     */
    @Test
    void aWriteThatStartsDuringACopyWaitsForItAndLandsAfterIt() throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch copyStarted = new CountDownLatch(1);
            CountDownLatch copyReleased = new CountDownLatch(1);
            List<Optional<Order>> readsOnceUpdated = new CopyOnWriteArrayList<>();
            AtomicBoolean updated = new AtomicBoolean();
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(READER) && method.equals("save")) {
                    copyStarted.countDown();
                    copyReleased.await();
                } else if (Thread.currentThread().getName().equals(READER) && updated.get()) {
                    // The copy taking itself back: what a read would answer now, the update acknowledged.
                    readsOnceUpdated.add(harness.orders.findById("o-1"));
                }
            };

            FutureTask<Void> reader = start(READER, () -> harness.orders.findById("o-1"));
            await(copyStarted);
            FutureTask<Void> writer = start(WRITER, () -> {
                harness.orders.save(UPDATED);
                updated.set(true);
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!writer.isDone() && !harness.oldModel.rows.get("o-1").equals(UPDATED)
                    && !waiting(WRITER) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(harness.oldModel.rows.get("o-1")).as("the write waits for the copy, before its first half")
                    .isEqualTo(FIRST);
            assertThat(writer.isDone()).as("the write waits for the copy").isFalse();
            copyReleased.countDown();
            finish(reader);
            finish(writer);

            assertThat(readsOnceUpdated).as("reads after the update was acknowledged").doesNotContain(Optional.of(FIRST));
            assertThat(harness.newModel.rows).containsEntry("o-1", UPDATED);
            assertThat(read(harness, "findById")).contains(UPDATED);
            assertThat(harness.counter("dualrepo.readthrough.copies", "method", "findById", "outcome", "success"))
                    .isEqualTo(1);
        }
    }

    /**
     * A read-through read finds nothing in NEW, and before it reads OLD the row reaches NEW (a copy, the backfill) and
     * a delete removes it from OLD, held before NEW's half. The read must not answer OLD's nothing: the next read,
     * from NEW, would answer the row again while the delete is still in flight, a value older than the one read
     * before it (found by {@code ConcurrentHistoriesTest} across two databases on PostgreSQL). It reads NEW again
     * and answers the row: the delete is not done yet.
     */
    @Test
    void aReadThatFallsBackAnswersWhatNewGainedMeanwhile() throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch oldRead = new CountDownLatch(1);
            CountDownLatch oldHalfDone = new CountDownLatch(1);
            CountDownLatch reads = new CountDownLatch(1);
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(WRITER)) {
                    oldHalfDone.countDown();
                    reads.await();
                }
            };
            harness.oldModel.blockReadsUntil = oldRead;
            AtomicReference<Optional<Order>> first = new AtomicReference<>();
            FutureTask<Void> reader = start(READER, () -> first.set(harness.orders.findById("o-1")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!blocked(READER) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(blocked(READER)).as("the read found nothing in NEW and waits to read OLD").isTrue();

            harness.newModel.rows.put("o-1", FIRST);
            FutureTask<Void> writer = start(WRITER, () -> harness.orders.deleteById("o-1"));
            await(oldHalfDone);
            harness.oldModel.blockReadsUntil = null;
            oldRead.countDown();
            finish(reader);
            Optional<Order> second = harness.orders.findById("o-1");
            reads.countDown();
            finish(writer);

            // The delete was in flight for both reads: both may answer the row, or nothing, but not nothing then it.
            assertThat(List.of(first.get(), second)).as("the two reads, in order")
                    .isNotEqualTo(List.of(Optional.empty(), Optional.of(FIRST)));
            assertThat(read(harness, "findById")).isEmpty();
        }
    }

    private static boolean blocked(String threadName) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(threadName) && thread.getState() == Thread.State.WAITING);
    }

    private static boolean waiting(String threadName) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(threadName)
                        && thread.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void aCopyAWriteRanDuringThatCannotBeTakenBackIsRecordedAsAWriteNewMissed() throws Exception {
        try (Harness harness = readThrough()) {
            CountDownLatch copyStarted = new CountDownLatch(1);
            CountDownLatch deleted = new CountDownLatch(1);
            harness.newModel.beforeWrite = (method, argument) -> {
                if (Thread.currentThread().getName().equals(READER) && method.equals("save")) {
                    copyStarted.countDown();
                    deleted.await();
                }
            };

            FutureTask<Void> reader = start(READER, () -> harness.orders.fetchById("o-1"));
            await(copyStarted);
            harness.orders.deleteById("o-1");
            deleted.countDown();
            finish(reader);

            // fetchById declares no removeWith: the stale copy stays, but never silently.
            assertThat(harness.counter("dualrepo.readthrough.copies", "method", "fetchById", "outcome", "unresolved"))
                    .isEqualTo(1);
            assertThat(harness.dualRepo.migrationState("orders").newSide().missedSince()).isNotNull();
            assertThat(harness.logLines("io.dualrepo.internal.ReadMethod"))
                    .anySatisfy(line -> assertThat(line).contains("orders.fetchById").contains("recorded as a write"
                            + " NEW missed"));
        }
    }

    private static Harness readThrough() {
        Harness harness = new Harness(b -> { });
        harness.oldModel.rows.put("o-1", FIRST);
        harness.routes.set("orders", Stage.readThrough(Comparison.OFF));
        return harness;
    }

    private static Optional<Order> read(Harness harness, String read) {
        return switch (read) {
            case "findById" -> harness.orders.findById("o-1");
            case "loadById" -> harness.orders.loadById("o-1");
            default -> throw new IllegalArgumentException(read);
        };
    }

    private static FutureTask<Void> start(String name, Runnable call) {
        FutureTask<Void> task = new FutureTask<>(call, null);
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(10, TimeUnit.SECONDS)).as("the parked call reached its hook within 10 s").isTrue();
    }

    /** Waits, bounded, for a call on another thread; what it threw fails the test. */
    private static void finish(FutureTask<Void> call) throws Exception {
        call.get(10, TimeUnit.SECONDS);
    }
}
