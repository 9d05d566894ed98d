package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.lease.Conflicts;
import io.dualrepo.spi.WithheldMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a worker runs its work in the new model's database: one transaction at a time, retried after a conflict. */
final class Attempts {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final String job;
    private final int maxRetries;
    private final ProgressReporter progress;
    private final Transactions newModel;

    Attempts(String job, int maxRetries, ProgressReporter progress, Transactions newModel) {
        this.job = job;
        this.maxRetries = maxRetries;
        this.progress = progress;
        this.newModel = newModel;
    }

    /** Runs {@code action}, again after a conflict with a concurrent writer ({@link Conflicts}), up to the retries. */
    <R> R retrying(String what, Supplier<R> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (!Conflicts.isConflict(e) || attempt > maxRetries) {
                    throw e;
                }
                progress.retried();
                LOG.info("backfill {}: {} ran into a concurrent write ({}); trying again ({} of {})", job, what,
                        WithheldMessage.describe(e), attempt, maxRetries);
                if (!sleep(Duration.ofMillis(Math.min(1000, 10L << attempt)))) {
                    throw e;
                }
            }
        }
    }

    <R> R inNew(Function<Session, R> work) {
        return newModel.inTransaction(work);
    }

    /** For set-up statements two workers may race on: one more try after the other one's commit. */
    <R> R inNew(Function<Session, R> work, int retries) {
        try {
            return inNew(work);
        } catch (RuntimeException e) {
            if (retries == 0) {
                throw e;
            }
            LOG.debug("backfill {}: set-up raced another worker, trying again", job, e);
            return inNew(work, retries - 1);
        }
    }

    /** False when interrupted (the flag stays set). */
    static boolean sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
