package io.dualrepo.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-minute allowance of log lines for one repository method, so that a systematic mismatch cannot flood the
 * logs. Lock-free: one compare-and-set per log attempt.
 */
final class LogBudget {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final int perWindow;
    private final AtomicLong windowStart;
    private final AtomicLong usedInWindow = new AtomicLong();
    private final AtomicLong suppressedInWindow = new AtomicLong();

    LogBudget(int perWindow, long nowNanos) {
        this.perWindow = perWindow;
        this.windowStart = new AtomicLong(nowNanos);
    }

    /**
     * Takes one line from the allowance.
     *
     * @return -1 when the line must not be logged; otherwise how many lines were suppressed in the previous
     *     window (to be reported with this one), usually 0
     */
    long tryTake(long nowNanos) {
        long start = windowStart.get();
        long carried = 0;
        if (nowNanos - start >= WINDOW_NANOS && windowStart.compareAndSet(start, nowNanos)) {
            usedInWindow.set(0);
            carried = suppressedInWindow.getAndSet(0);
        }
        if (usedInWindow.incrementAndGet() > perWindow) {
            suppressedInWindow.incrementAndGet();
            return -1;
        }
        return carried;
    }
}
