package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.MismatchException;
import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.generated.ModelCall;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Runs the secondary read of a compared call and reports the comparison. In {@link ComparisonMode#ASYNC} it runs
 * off the caller's thread, guarded so that it can never cost the caller more than a queue offer: a circuit
 * breaker per repository skips it while the secondary keeps failing, a bulkhead bounds how many run or wait
 * (beyond it they are skipped, never queued without bound), and a time limiter stops waiting for a slow one and
 * interrupts it.
 *
 * <p>The caller never wakes a comparison thread while they are busy or recently were: it only adds the read to a
 * lock-free queue, which the threads poll every {@value #POLL_MICROS} µs. Waking a parked thread is a system call
 * that cost the caller more than 10 µs per compared read on a 2-core virtual machine (benchmarks/ShadowPacedBenchmark),
 * and its wake-up could preempt the caller. Only threads idle for {@value #IDLE_MILLIS_BEFORE_DEEP_SLEEP} ms stop
 * polling and park until a caller wakes them, so that an application without shadow traffic spends nothing on them.
 */
public final class ShadowReads implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ShadowReads.class);

    static final long POLL_MICROS = 500;
    static final long IDLE_MILLIS_BEFORE_DEEP_SLEEP = 1000;

    private final Reporter reporter;
    private final Bulkhead bulkhead;
    private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final Thread[] workers;
    // Workers parked without a deadline; a caller that sees one wakes them.
    private final AtomicInteger deepSleepers = new AtomicInteger();
    private volatile boolean closed;
    private final ScheduledThreadPoolExecutor timer;
    private final int maxInFlight;
    private final @Nullable ComparisonBudget budget;

    ShadowReads(Settings settings, Reporter reporter) {
        this.reporter = reporter;
        this.maxInFlight = settings.comparisonThreads() + settings.comparisonQueue();
        this.bulkhead = Bulkhead.of("dualrepo-shadow-reads", BulkheadConfig.custom()
                .maxConcurrentCalls(maxInFlight)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        // The bulkhead bounds admission, so the queue itself never grows past comparisonThreads + comparisonQueue.
        ThreadFactory workerThreads = daemonThreads("dualrepo-shadow-");
        this.workers = new Thread[settings.comparisonThreads()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = workerThreads.newThread(this::work);
            workers[i].start();
        }
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("dualrepo-shadow-timer-"));
        this.timer.setRemoveOnCancelPolicy(true);
        if (settings.comparisonBudget() > 0) {
            ComparisonBudget kept = new ComparisonBudget(settings.comparisonBudget(),
                    settings.comparisonBudgetWindow(), settings.meterRegistry());
            long windowNanos = kept.window().toNanos();
            timer.scheduleAtFixedRate(() -> {
                try {
                    kept.judge();
                } catch (RuntimeException unexpected) {
                    // A task that throws is never run again: the share would freeze where it was.
                    log.warn("comparison budget: a judgement failed ({}); the share stays {}",
                            unexpected.getClass().getName(), kept.share());
                }
            }, windowNanos, windowNanos, TimeUnit.NANOSECONDS);
            this.budget = kept;
        } else {
            this.budget = null;
        }
    }

    /** The budget comparisons run under, or null when none was set. */
    @Nullable ComparisonBudget budget() {
        return budget;
    }

    /** The share of sampled reads compared now: 1 without a budget. */
    public double comparisonShare() {
        ComparisonBudget kept = budget;
        return kept == null ? 1 : kept.share();
    }

    /** Whether a comparison is running or queued: a caller's read now competes with one for the cores. */
    boolean comparing() {
        return bulkhead.getMetrics().getAvailableConcurrentCalls() < maxInFlight;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            // Comparison threads must never keep an application from exiting.
            thread.setDaemon(true);
            return thread;
        };
    }

    <T, R> void compare(MethodRuntime method, CircuitBreaker circuit, Side primary, T primaryModel,
            T secondaryModel, ModelCall<T, R> call, @Nullable Object primaryResult, @Nullable Throwable primaryError) {
        // The repository's mode, not the runtime's: one repository may compare on the caller's thread.
        if (method.comparisonMode() != ComparisonMode.ASYNC) {
            compareHere(method, primary, secondaryModel, call, primaryResult, primaryError);
            return;
        }
        if (!circuit.tryAcquirePermission()) {
            reporter.comparison(method, Judge.skipped(method, primary, SkipReason.CIRCUIT_OPEN));
            return;
        }
        if (!bulkhead.tryAcquirePermission()) {
            circuit.releasePermission();
            reporter.comparison(method, Judge.skipped(method, primary, SkipReason.BULKHEAD_FULL));
            return;
        }
        if (closed) {
            bulkhead.onComplete();
            circuit.releasePermission();
            reporter.comparison(method, Judge.skipped(method, primary, SkipReason.SHUTDOWN));
            return;
        }
        pending.offer(new Shadow<>(method, circuit, primary, primaryModel, secondaryModel, call, primaryResult,
                primaryError));
        // The offer is a full fence, as the worker's increment before it re-checks the queue: one of them sees
        // the other, so a read is never left in the queue with every worker parked for good.
        if (deepSleepers.get() > 0) {
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
        }
    }

    /** A comparison thread: runs queued reads, polls while reads keep coming, parks for good once they stop. */
    private void work() {
        long deepSleepAfter = TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS_BEFORE_DEEP_SLEEP);
        // Parked for good from the start: an application that never compares never has these threads polling.
        long idleSince = System.nanoTime() - deepSleepAfter;
        while (!closed) {
            Runnable next = pending.poll();
            if (next != null) {
                try {
                    next.run();
                } catch (Throwable unexpected) {
                    // A read reports its own failures; whatever escapes it must not stop this thread.
                }
                idleSince = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - idleSince < deepSleepAfter) {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
            } else {
                deepSleepers.incrementAndGet();
                if (pending.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                deepSleepers.decrementAndGet();
                idleSince = System.nanoTime();
            }
            // An interrupt meant for a read that has finished, or for close(), which the loop checks.
            Thread.interrupted();
        }
    }

    private <T, R> void compareHere(MethodRuntime method, Side primary, T secondaryModel, ModelCall<T, R> call,
            @Nullable Object primaryResult, @Nullable Throwable primaryError) {
        long start = System.nanoTime();
        Answer secondary = Answer.of(secondaryModel, call);
        method.meters().call(primary.other(), !secondary.failed(), start);
        ComparisonResult result = Judge.judge(method, primary, new Answer(primaryResult, primaryError), secondary,
                System.nanoTime() - start);
        reporter.comparison(method, result);
        if (method.comparisonMode() == ComparisonMode.STRICT
                && (result.outcome() == Outcome.MISMATCH || result.outcome() == Outcome.SECONDARY_ERROR)) {
            throw new MismatchException(result);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            // Stops a read in progress, as a timeout would; reads still queued are dropped with the queue.
            worker.interrupt();
        }
        pending.clear();
        timer.shutdownNow();
    }

    /** One secondary read on a worker thread, raced against the time limiter. */
    private final class Shadow<T, R> implements Runnable {

        private final MethodRuntime method;
        private final CircuitBreaker circuit;
        private final Side primary;
        private final T primaryModel;
        private final T secondaryModel;
        private final ModelCall<T, R> call;
        private final @Nullable Object primaryResult;
        private final @Nullable Throwable primaryError;
        private @Nullable Thread runner;

        Shadow(MethodRuntime method, CircuitBreaker circuit, Side primary, T primaryModel, T secondaryModel,
                ModelCall<T, R> call, @Nullable Object primaryResult, @Nullable Throwable primaryError) {
            this.method = method;
            this.circuit = circuit;
            this.primary = primary;
            this.primaryModel = primaryModel;
            this.secondaryModel = secondaryModel;
            this.call = call;
            this.primaryResult = primaryResult;
            this.primaryError = primaryError;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            CompletableFuture<ComparisonResult> done = new CompletableFuture<>();
            synchronized (this) {
                runner = Thread.currentThread();
            }
            try {
                method.timeLimiter().executeCompletionStage(timer, () -> done)
                        .whenComplete((result, error) -> finish(result, error, start));
                Answer secondary = Answer.of(secondaryModel, call);
                if (!done.isDone()) {
                    method.meters().call(primary.other(), !secondary.failed(), start);
                    ComparisonResult result = Judge.judge(method, primary, new Answer(primaryResult, primaryError),
                            secondary, System.nanoTime() - start);
                    if (result.outcome() == Outcome.MISMATCH) {
                        result = recheck(result, start);
                    }
                    done.complete(result);
                }
            } catch (Throwable unexpected) {
                done.completeExceptionally(unexpected);
            } finally {
                synchronized (this) {
                    runner = null;
                    // An interrupt aimed at this read must not hit the next task on this thread.
                    Thread.interrupted();
                }
                bulkhead.onComplete();
            }
        }

        private void finish(ComparisonResult result, Throwable error, long start) {
            long elapsed = System.nanoTime() - start;
            if (result != null) {
                Outcome outcome = result.outcome();
                if (outcome == Outcome.SECONDARY_ERROR) {
                    circuit.onError(elapsed, TimeUnit.NANOSECONDS, new SecondaryFailed());
                } else {
                    circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                }
                reporter.comparison(method, result);
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof TimeoutException || cause instanceof java.util.concurrent.CancellationException) {
                interruptRunner();
                method.meters().call(primary.other(), false, start);
                circuit.onError(elapsed, TimeUnit.NANOSECONDS, cause);
                reporter.comparison(method, Judge.timeout(method, primary, elapsed));
            } else {
                circuit.onError(elapsed, TimeUnit.NANOSECONDS, cause);
                reporter.comparison(method, new ComparisonResult(method.repository(), method.name(), primary,
                        Outcome.SECONDARY_ERROR, null, java.util.List.of(),
                        "comparison failed: " + cause.getClass().getName(), java.time.Duration.ofNanos(elapsed)));
            }
        }

        /**
         * The caller may have changed the row between its read and this one, which is later: reading both
         * models again, back to back, tells a write in between (they now agree) from a real disagreement.
         */
        private ComparisonResult recheck(ComparisonResult first, long start) {
            Answer primaryAgain = Answer.of(primaryModel, call);
            Answer secondaryAgain = Answer.of(secondaryModel, call);
            ComparisonResult second = Judge.judge(method, primary, primaryAgain, secondaryAgain,
                    System.nanoTime() - start);
            boolean resolved = second.outcome() == Outcome.MATCH;
            method.meters().recheck(resolved);
            // The second pair was read back to back, so its differences are the more accurate account.
            return second.outcome() == Outcome.MATCH || second.outcome() == Outcome.MISMATCH ? second : first;
        }

        private synchronized void interruptRunner() {
            if (runner != null) {
                runner.interrupt();
            }
        }
    }

    /** Marks a secondary failure for the circuit breaker without keeping the model's exception alive. */
    private static final class SecondaryFailed extends RuntimeException {
        SecondaryFailed() {
            super("secondary model failed", null, false, false);
        }
    }
}
