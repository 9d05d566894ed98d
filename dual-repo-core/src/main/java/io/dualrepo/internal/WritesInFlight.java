package io.dualrepo.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes of one repository running in this process, as read-through needs to know them: a copy of what OLD
 * answered into NEW is sound only if no write of the repository ran from before OLD was read until the copy
 * ended. Otherwise a delete that removed the row from NEW before the copy landed would be undone, or an update
 * overwritten by the value read before it (issue 12, case 5).
 *
 * <p>Writes are counted only once this process has made a read-through read that may copy (or when the write's own
 * route is read-through): until then no copy can race with them, and routes without read-through pay one volatile
 * read per write. Two counters, not a lock: a write adds to each once; a copy reads them twice.
 */
final class WritesInFlight {

    /** What {@link #mark()} gives when a write is running: no copy can be sound from there. */
    static final long BUSY = -1;

    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
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

    void started() {
        started.incrementAndGet();
    }

    void finished() {
        finished.incrementAndGet();
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
}
