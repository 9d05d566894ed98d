package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.HibernateMeters;
import io.dualrepo.hibernate.internal.BoundSessions;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the secondary's half of a cross-database dual write on a bounded pool, in a transaction that commits only
 * while the caller still waits for it: {@link CrossDatabaseScope.Builder#secondaryWriteTimeout}.
 *
 * <p>Why a gate and not simply "stop waiting": a write the caller gave up on that commits later can land after a
 * newer write of the same key, or after a repair that found the key in sync and cleared its rows, and put the older
 * value back in the secondary with nothing left to say so. Here the write the caller gave up on never commits: it
 * rolls back when it returns (a JDBC call cannot be stopped safely before that; interrupting it closes H2's file
 * channel), and the key's pending row, committed with the primary's write, is left for the repair, which copies the
 * primary's value of the moment. The caller and the worker race for one state change: the caller's turns the write
 * into a deferred one; the worker's, taken after the write was flushed and before its commit, makes the caller wait
 * for that commit, so that a write is either committed before its caller returns or never.
 *
 * <p>The write joins the transaction only if the secondary's repository writes through the migration's {@link
 * SessionFactory} ({@link io.dualrepo.hibernate.Transactions}, as {@link io.dualrepo.hibernate.HibernateRepository}
 * does); a repository that commits on its own is not held back by the gate.
 */
final class BoundedSecondary {

    private static final Logger log = LoggerFactory.getLogger(CrossDatabaseScope.class);

    private static final int WAITED_FOR = 0;
    private static final int COMMITTING = 1;
    private static final int GIVEN_UP = 2;

    /** Why a secondary write was left to the repair. */
    enum Deferral {
        /** It did not finish within the timeout. */
        TIMEOUT,
        /** Every worker was busy and the queue full: a secondary that hangs makes every write cost this much. */
        BUSY;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What became of one secondary half, as its caller sees it. */
    record Outcome(@Nullable Deferral deferral, boolean took, @Nullable Throwable error) {

        static Outcome deferred(Deferral deferral) {
            return new Outcome(deferral, false, null);
        }

        boolean deferred() {
            return deferral != null;
        }
    }

    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    // One WARN when writes start being deferred, one INFO when they complete in time again.
    private final AtomicInteger deferringSince = new AtomicInteger();
    private final Set<Gate> waiting = ConcurrentHashMap.newKeySet();

    BoundedSecondary(Duration timeout, int threads, MeterRegistry registry) {
        this.timeout = timeout;
        this.registry = registry;
        AtomicInteger count = new AtomicInteger();
        // The queue is as long as the pool is wide: a secondary that hangs fills both, and from then on a write is
        // deferred at once instead of queueing behind writes that will never end.
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads), task -> {
                    Thread thread = new Thread(task, "dualrepo-secondary-write-" + count.incrementAndGet());
                    // Never keeps an application from exiting; a write it abandons rolls back with its connection.
                    thread.setDaemon(true);
                    return thread;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Runs {@code work} in a transaction of {@code database} bound to a worker thread, so that repository writes
     * made in it join it, and waits for it up to the timeout.
     *
     * @param work returns whether the secondary took the write; what it throws rolls the transaction back and is
     *     the outcome's error
     * @param late told, on the worker, of the error of a write its caller no longer waits for
     */
    Outcome run(String repository, SessionFactory database, Function<Session, Boolean> work,
            Consumer<Throwable> late) {
        Gate gate = new Gate(repository, database, work, late);
        try {
            workers.execute(gate);
        } catch (RejectedExecutionException busy) {
            return deferred(repository, Deferral.BUSY);
        }
        boolean interrupted = false;
        waiting.add(gate);
        try {
            try {
                CompletableFuture.anyOf(gate.result, gate.expired).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // the race below decides
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                waiting.remove(gate);
            }
            if (gate.result.isDone()) {
                return gate.result.getNow(null);
            }
            if (gate.state.compareAndSet(WAITED_FOR, GIVEN_UP)) {
                return deferred(repository, Deferral.TIMEOUT);
            }
            // The worker flushed the write and is committing it: it lands before this call returns, or not at all.
            while (true) {
                try {
                    return gate.result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException | CompletionException e) {
            throw new IllegalStateException("a secondary write's gate failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Callers waiting now. For tests, which end the wait with {@link #expireWaiting} instead of a clock. */
    int waitingCallers() {
        return waiting.size();
    }

    /** Ends the wait of every caller waiting now as the timeout would: interleavings forced without sleeps. */
    void expireWaiting() {
        for (Gate gate : waiting) {
            gate.expired.complete(null);
        }
    }

    private Outcome deferred(String repository, Deferral deferral) {
        counter(HibernateMeters.SYNC_SECONDARY_DEFERRED, repository, "reason", deferral.tag()).increment();
        if (deferringSince.getAndIncrement() == 0) {
            log.warn("{}: a secondary write did not complete within {} ({}); it and the writes deferred after it"
                    + " wait in the pending-sync table for the repair (counted in {})", repository, timeout,
                    deferral.tag(), SyncMetrics.SECONDARY_DEFERRED);
        }
        return Outcome.deferred(deferral);
    }

    /** A write completed within the bound: the end of a stretch of deferrals, if one was running. */
    void completedInTime(String repository) {
        int deferred = deferringSince.getAndSet(0);
        if (deferred > 0) {
            log.info("{}: secondary writes complete within {} again; {} were deferred to the repair meanwhile",
                    repository, timeout, deferred);
        }
    }

    private Counter counter(HibernateMeters meter, String repository, String tag, String value) {
        return counters.computeIfAbsent(meter.meterName() + '\0' + repository + '\0' + value,
                k -> Counter.builder(meter.meterName())
                .description(meter.description())
                .tag(SyncMetrics.TAG_REPOSITORY, repository)
                .tag(tag, value)
                .register(registry));
    }

    /** One secondary half, on a worker. */
    private final class Gate implements Runnable {

        final AtomicInteger state = new AtomicInteger(WAITED_FOR);
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        final CompletableFuture<Void> expired = new CompletableFuture<>();
        private final String repository;
        private final SessionFactory database;
        private final Function<Session, Boolean> work;
        private final Consumer<Throwable> late;

        Gate(String repository, SessionFactory database, Function<Session, Boolean> work,
                Consumer<Throwable> late) {
            this.repository = repository;
            this.database = database;
            this.work = work;
            this.late = late;
        }

        @Override
        public void run() {
            if (state.get() == GIVEN_UP) {
                abandoned("not_started");
                return;
            }
            try {
                result.complete(write());
            } catch (Throwable unexpected) {
                // A secondary that cannot even open a session is a failed secondary write, never the caller's.
                result.complete(failed(unexpected));
            }
        }

        private Outcome write() {
            Session session = database.openSession();
            try {
                return write(session);
            } finally {
                try {
                    session.close();
                } catch (RuntimeException e) {
                    // After the outcome is settled: a close that fails changes nothing the write did or did not do.
                    log.debug("{}: closing a secondary write's session failed", repository, WithheldMessage.of(e));
                }
            }
        }

        private Outcome write(Session session) {
            Transaction transaction = session.beginTransaction();
            Boolean took;
            BoundSessions.bind(database, session);
            try {
                took = work.apply(session);
                session.flush();
            } catch (Throwable error) {
                rollBack(transaction, error);
                return failed(error);
            } finally {
                BoundSessions.unbind(database);
            }
            if (!state.compareAndSet(WAITED_FOR, COMMITTING)) {
                // Its caller returned: committed now, it could land after a newer write or a repair.
                rollBack(transaction, null);
                abandoned("rolled_back");
                return Outcome.deferred(Deferral.TIMEOUT);
            }
            try {
                transaction.commit();
            } catch (RuntimeException commitFailed) {
                rollBack(transaction, commitFailed);
                return new Outcome(null, false, commitFailed);
            }
            return new Outcome(null, Boolean.TRUE.equals(took), null);
        }

        /** The caller's to handle if it still waits; else counted, and told to {@code late}. */
        private Outcome failed(Throwable error) {
            if (state.compareAndSet(WAITED_FOR, COMMITTING)) {
                return new Outcome(null, false, error);
            }
            abandoned("failed");
            try {
                late.accept(error);
            } catch (RuntimeException e) {
                log.warn("{}: reporting a secondary write that failed after its caller returned failed", repository,
                        WithheldMessage.of(e));
            }
            // Whoever still waits (a caller that saw the commit begin) keeps the rows.
            return Outcome.deferred(Deferral.TIMEOUT);
        }

        private void abandoned(String outcome) {
            counter(HibernateMeters.SYNC_SECONDARY_ABANDONED, repository, "outcome", outcome).increment();
        }

        private void rollBack(Transaction transaction, @Nullable Throwable cause) {
            try {
                if (transaction.isActive()) {
                    transaction.rollback();
                }
            } catch (RuntimeException rollbackFailure) {
                if (cause != null) {
                    cause.addSuppressed(rollbackFailure);
                } else {
                    log.warn("{}: rolling back a secondary write its caller no longer waited for failed; closing"
                            + " its connection rolls it back", repository, WithheldMessage.of(rollbackFailure));
                }
            }
        }
    }
}
