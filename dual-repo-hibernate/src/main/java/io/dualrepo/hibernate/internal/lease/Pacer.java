package io.dualrepo.hibernate.internal.lease;

/**
 * The throttle: a batch may start once the rows before it fit the rate, so by any time t after the first batch
 * started, at most {@code rate * t} rows plus one batch have been started. Unlimited when the rate is infinite.
 * One pacer per worker: several workers sharing a rate share one pacer, whose turns are then taken one at a time.
 */
public final class Pacer {

    private final double rowsPerSecond;
    private final Ticker ticker;
    private long nextStart = Long.MIN_VALUE;
    private long lastStart;

    public Pacer(double rowsPerSecond) {
        this(rowsPerSecond, Ticker.SYSTEM);
    }

    public Pacer(double rowsPerSecond, Ticker ticker) {
        this.rowsPerSecond = rowsPerSecond;
        this.ticker = ticker;
    }

    /** Waits for the next batch's turn; false when interrupted (the flag stays set). */
    public synchronized boolean awaitTurn() {
        if (Double.isInfinite(rowsPerSecond)) {
            return true;
        }
        long now = ticker.nanoTime();
        if (nextStart != Long.MIN_VALUE && nextStart - now > 0) {
            try {
                ticker.sleep(nextStart - now);
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
    public synchronized void consumed(int rows) {
        if (!Double.isInfinite(rowsPerSecond)) {
            nextStart += (long) Math.ceil(rows * 1e9 / rowsPerSecond);
        }
    }
}
