package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.MismatchException;
import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the secondary read of a compared call and reports the comparison. In {@link ComparisonMode#ASYNC} it runs
 * off the caller's thread, guarded so that it can never cost the caller more than a queue offer: a circuit
 * breaker per repository skips it while the secondary keeps failing, a bulkhead bounds how many run or wait
 * (beyond it they are skipped, never queued without bound), and a time limiter stops waiting for a slow one and
 * interrupts it.
 */
final class ShadowReads implements AutoCloseable {

    private final ComparisonMode mode;
    private final Reporter reporter;
    private final Bulkhead bulkhead;
    private final TimeLimiter timeLimiter;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;

    ShadowReads(Settings settings, Reporter reporter) {
        this.mode = settings.comparisonMode();
        this.reporter = reporter;
        this.bulkhead = Bulkhead.of("dualrepo-shadow-reads", BulkheadConfig.custom()
                .maxConcurrentCalls(settings.comparisonThreads() + settings.comparisonQueue())
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(settings.comparisonTimeout())
                .cancelRunningFuture(true)
                .build());
        // The bulkhead bounds admission, so the queue itself never grows past comparisonQueue.
        this.workers = new ThreadPoolExecutor(settings.comparisonThreads(), settings.comparisonThreads(),
                0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemonThreads("dualrepo-shadow-"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("dualrepo-shadow-timer-"));
        this.timer.setRemoveOnCancelPolicy(true);
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
            T secondaryModel, ModelCall<T, R> call, Object primaryResult, Throwable primaryError) {
        if (mode != ComparisonMode.ASYNC) {
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
        Shadow<T, R> shadow = new Shadow<>(method, circuit, primary, primaryModel, secondaryModel, call,
                primaryResult, primaryError);
        try {
            workers.execute(shadow);
        } catch (RejectedExecutionException shutDown) {
            bulkhead.onComplete();
            circuit.releasePermission();
            reporter.comparison(method, Judge.skipped(method, primary, SkipReason.SHUTDOWN));
        }
    }

    private <T, R> void compareHere(MethodRuntime method, Side primary, T secondaryModel, ModelCall<T, R> call,
            Object primaryResult, Throwable primaryError) {
        long start = System.nanoTime();
        Answer secondary = Answer.of(secondaryModel, call);
        method.meters().call(primary.other(), !secondary.failed(), start);
        ComparisonResult result = Judge.judge(method, primary, new Answer(primaryResult, primaryError), secondary,
                System.nanoTime() - start);
        reporter.comparison(method, result);
        if (mode == ComparisonMode.STRICT
                && (result.outcome() == Outcome.MISMATCH || result.outcome() == Outcome.SECONDARY_ERROR)) {
            throw new MismatchException(result);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
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
        private final Object primaryResult;
        private final Throwable primaryError;
        private Thread runner;

        Shadow(MethodRuntime method, CircuitBreaker circuit, Side primary, T primaryModel, T secondaryModel,
                ModelCall<T, R> call, Object primaryResult, Throwable primaryError) {
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
                timeLimiter.executeCompletionStage(timer, () -> done)
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
