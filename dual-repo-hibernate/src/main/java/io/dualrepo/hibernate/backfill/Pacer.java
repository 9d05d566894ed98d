package io.dualrepo.hibernate.backfill;

import java.util.concurrent.TimeUnit;

/**
 * The throttle: a batch may start once the rows before it fit the rate, so by any time t after the first batch
 * started, at most {@code rate * t} rows plus one batch have been started. Unlimited when the rate is infinite.
 */
final class Pacer {

    private final double rowsPerSecond;
    private long nextStart = Long.MIN_VALUE;
    private long lastStart;

    Pacer(double rowsPerSecond) {
        this.rowsPerSecond = rowsPerSecond;
    }

    /** Waits for the next batch's turn; false when interrupted (the flag stays set). */
    boolean awaitTurn() {
        if (Double.isInfinite(rowsPerSecond)) {
            return true;
        }
        long now = System.nanoTime();
        if (nextStart != Long.MIN_VALUE && nextStart - now > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(nextStart - now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            lastStart = nextStart;
        } else {
            lastStart = now;
        }
        nextStart = lastStart;
        return true;
    }

    /** Charges rows read since the last turn to it. */
    void consumed(int rows) {
        if (!Double.isInfinite(rowsPerSecond)) {
            nextStart += (long) Math.ceil(rows * 1e9 / rowsPerSecond);
        }
    }
}
