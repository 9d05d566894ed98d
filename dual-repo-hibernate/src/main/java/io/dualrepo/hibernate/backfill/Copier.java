package io.dualrepo.hibernate.backfill;

import io.dualrepo.spi.WithheldMessage;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a worker's copies on a thread of their own, one at a time, so that the worker's other statements (the check of
 * an earlier batch, the claim of the next one, its page of the old model) and its work on the rows go on while the
 * database inserts a batch: on PostgreSQL the inserts are most of a backfill's time (docs/benchmarks.md), and the rest
 * no longer waits behind them. The copies stay in key order and never overlap, so everything the protocol says about
 * one batch's copy holds unchanged; the worker lands a copy (waits for its commit) before it starts the next one, and
 * before it does anything else.
 *
 * <p>The copy thread is never interrupted: stopping a run interrupts the worker's thread, which lets the batch in
 * hand finish, as a run always has; an interrupt that comes while the worker waits for a copy is handed back to the
 * thread when the copier closes. A copy holds one connection of the new model's database; the worker may hold two
 * more meanwhile (claiming: the new model's and the old model's).
 *
 * @param <R> what a copy returns
 */
final class Copier<R> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final String job;
    private final ExecutorService thread;
    private @Nullable Future<R> inFlight;
    private boolean interrupted;

    Copier(String job, String workerId) {
        this.job = job;
        String name = "dualrepo-backfill-" + job + "-" + workerId + "-copy";
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread copyThread = new Thread(runnable, name);
            copyThread.setDaemon(true);
            return copyThread;
        });
    }

    /** Starts a copy; the one before it must have landed. */
    void start(Supplier<R> copy) {
        if (inFlight != null) {
            throw new IllegalStateException("a copy is already running: land it first");
        }
        @Nullable Map<String, String> context = MDC.getCopyOfContextMap();
        inFlight = thread.submit(() -> {
            // The worker's logging context (a job id a caller put there) stays on the copy's log lines.
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                return copy.get();
            } finally {
                MDC.clear();
            }
        });
    }

    /**
     * Waits for the copy in flight to end and returns what it returned, or throws what it threw; null when none was
     * started. Waits through an interrupt (a copy is never abandoned halfway) and keeps it for {@link #interrupted()}
     * rather than in the thread's flag, so that the worker's next statements do not run with the flag set (an
     * interrupt during I/O closes an H2 file database's channel).
     */
    @Nullable R land() {
        Future<R> copy = inFlight;
        if (copy == null) {
            return null;
        }
        inFlight = null;
        while (true) {
            try {
                return copy.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("backfill " + job + ": a copy failed", cause);
            }
        }
    }

    /** Whether the worker's thread was interrupted while it waited for a copy: the run is asked to stop. */
    boolean interrupted() {
        return interrupted;
    }

    /**
     * Waits for a copy still in flight (the worker is failing: what the copy did is committed or not, and a later run
     * takes its lease back either way) and ends the thread.
     */
    @Override
    public void close() {
        try {
            land();
        } catch (RuntimeException | Error e) {
            // The worker is already failing with its own exception; this one would hide it.
            LOG.warn("backfill {}: the batch being copied when the worker stopped failed too ({}); a later run takes"
                    + " its lease back", job, WithheldMessage.describe(e));
        } finally {
            thread.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
