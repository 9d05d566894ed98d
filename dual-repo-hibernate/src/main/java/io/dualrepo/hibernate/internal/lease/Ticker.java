package io.dualrepo.hibernate.internal.lease;

import java.util.concurrent.TimeUnit;

/** A monotonic clock that can wait; tests pass one whose time moves only when they (or a sleep) move it. */
public interface Ticker {

    /** {@link System#nanoTime()} and {@link TimeUnit#sleep}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    long nanoTime();

    void sleep(long nanos) throws InterruptedException;
}
