package io.dualrepo.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The writes of one repository running in this process, as read-through needs to know them: a copy of what OLD
 * answered into NEW is sound only if no write of the repository ran from before OLD was read until the copy
 * ended. Otherwise a delete that removed the row from NEW before the copy landed would be undone, or an update
 * overwritten by the value read before it (issue 12, case 5).
 *
 * <p>Writes are counted only once this process has made a read-through read that may copy (or when the write's own
 * route is read-through): until then no copy can race with them, and routes without read-through pay one volatile
 * read per write. Two counters: a write adds to each once; a copy reads them twice.
 *
 * <p>Counting alone leaves a window: a write that starts after a copy's last look and ends before the copy reaches
 * NEW is overwritten there by the older value, which NEW, answering reads first, serves until the copy sees the
 * write and takes itself back; a read after the write was acknowledged could answer the value before it (found by
 * {@code ConcurrentHistoriesTest} across two databases). So a copy also holds writes out while it runs: it takes
 * {@link #copying} only when no write holds it, and a write waits for a running copy before its first half, up to
 * {@link #COPY_WAIT_MILLIS}. The wait is bounded because the copy may be blocked by something the writing thread
 * holds (a row its open transaction wrote); past it the write goes on, and the copy, seeing it, is taken back as
 * before.
 */
final class WritesInFlight {

    /** What {@link #mark()} gives when a write is running: no copy can be sound from there. */
    static final long BUSY = -1;

    /** How long a write waits for a running copy: a copy is one write of NEW. */
    static final long COPY_WAIT_MILLIS = 1_000;

    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    // Shared by writes, exclusive to a copy; copies never wait for it, so writes are never queued behind one.
    private final ReentrantReadWriteLock copying = new ReentrantReadWriteLock();
    private volatile boolean watched;

    boolean watched() {
        return watched;
    }

    /** From now on every write of the repository is counted. */
    void watch() {
        if (!watched) {
            watched = true;
        }
    }

    /**
     * A write begins: waits for a copy running, bounded, then is counted.
     *
     * @return whether the write holds copies out, to be given to {@link #finished(boolean)}
     */
    boolean started() {
        boolean holding;
        try {
            holding = copying.readLock().tryLock(COPY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            holding = false;
        }
        started.incrementAndGet();
        return holding;
    }

    void finished(boolean holding) {
        finished.incrementAndGet();
        if (holding) {
            copying.readLock().unlock();
        }
    }

    /**
     * The writes started so far, or {@link #BUSY} when one is running. Finished is read before started: equal, they
     * say that every write started by the second read had finished by the first.
     */
    long mark() {
        long done = finished.get();
        long begun = started.get();
        return begun == done ? begun : BUSY;
    }

    /** Whether no write ran at any time between {@code mark} and now. */
    boolean quietSince(long mark) {
        return mark != BUSY && started.get() == mark;
    }

    /**
     * A copy may begin: no write ran since {@code mark} and none runs now. Writes then wait until {@link #copied()}.
     *
     * @return false, with nothing held, when the copy must not run
     */
    boolean copying(long mark) {
        if (mark == BUSY || !copying.writeLock().tryLock()) {
            return false;
        }
        if (quietSince(mark)) {
            return true;
        }
        copying.writeLock().unlock();
        return false;
    }

    /** The copy that {@link #copying(long)} let begin has ended. */
    void copied() {
        copying.writeLock().unlock();
    }
}
