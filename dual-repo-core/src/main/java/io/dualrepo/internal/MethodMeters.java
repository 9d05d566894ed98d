package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Every meter of one repository method, registered once so that a call only records.
 *
 * <p>Calls are counted exactly, each into a cell of the calling thread's own ({@link ThreadCounter}), and one call in
 * {@value #TIMED_ONE_IN}, chosen at random, is timed: an atomic add costs 15 to 20 ns on a virtual machine, two clock
 * reads and a timer record about 160 ns, and benchmarks/RoutingBenchmark holds a routed call to 50 ns.
 */
final class MethodMeters {

    /** One call in this many is timed (see the class comment); the shadow reads, off the caller's path, all are. */
    static final int TIMED_ONE_IN = 16;
    /** What {@link #start()} gives for a call it does not time. */
    static final long NOT_TIMED = Long.MIN_VALUE;

    private final ThreadCounter[] calls = new ThreadCounter[4];
    private final Timer[] latencies = new Timer[4];
    private final Counter[] comparisons = new Counter[Outcome.values().length];
    private final Counter[] skipped = new Counter[SkipReason.values().length];
    private final Counter[] secondaryWriteFailures = new Counter[2];
    private final Counter fallbacks;
    private final Counter copied;
    private final Counter copyFailed;
    private final Counter copySkipped;
    private final Counter copyUndone;
    private final Counter copyUnresolved;
    private final Counter mismatchLogsSuppressed;
    private final Counter hookErrors;
    private final Counter rechecksResolved;
    private final Counter rechecksConfirmed;

    MethodMeters(MeterRegistry registry, String repository, String method) {
        Tags tags = Tags.of(DualRepoMetrics.TAG_REPOSITORY, repository, DualRepoMetrics.TAG_METHOD, method);
        for (Side side : Side.values()) {
            for (boolean success : new boolean[] {true, false}) {
                Tags callTags = tags.and(DualRepoMetrics.TAG_SIDE, side.tag(), DualRepoMetrics.TAG_OUTCOME,
                        success ? DualRepoMetrics.OUTCOME_SUCCESS : DualRepoMetrics.OUTCOME_ERROR);
                calls[index(side, success)] = ThreadCounter.register(registry, CoreMeters.CALLS.meterName(), callTags,
                        CoreMeters.CALLS.description());
                latencies[index(side, success)] = Timer.builder(CoreMeters.CALL_LATENCY.meterName())
                        .description(CoreMeters.CALL_LATENCY.description())
                        .tags(callTags)
                        .register(registry);
            }
            secondaryWriteFailures[side.ordinal()] = Counter.builder(CoreMeters.SECONDARY_WRITE_FAILURES.meterName())
                    .description(CoreMeters.SECONDARY_WRITE_FAILURES.description())
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_SIDE, side.tag())
                    .register(registry);
        }
        for (Outcome outcome : Outcome.values()) {
            comparisons[outcome.ordinal()] = Counter.builder(CoreMeters.COMPARISONS.meterName())
                    .description(CoreMeters.COMPARISONS.description())
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_OUTCOME, outcome.tag())
                    .register(registry);
        }
        for (SkipReason reason : SkipReason.values()) {
            skipped[reason.ordinal()] = Counter.builder(CoreMeters.COMPARISONS_SKIPPED.meterName())
                    .description(CoreMeters.COMPARISONS_SKIPPED.description())
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_REASON, reason.tag())
                    .register(registry);
        }
        fallbacks = Counter.builder(CoreMeters.READ_THROUGH_FALLBACKS.meterName())
                .description(CoreMeters.READ_THROUGH_FALLBACKS.description())
                .tags(tags)
                .register(registry);
        copied = copies(registry, tags, DualRepoMetrics.OUTCOME_SUCCESS);
        copyFailed = copies(registry, tags, DualRepoMetrics.OUTCOME_ERROR);
        copySkipped = copies(registry, tags, "skipped");
        copyUndone = copies(registry, tags, "undone");
        copyUnresolved = copies(registry, tags, "unresolved");
        mismatchLogsSuppressed = Counter.builder(CoreMeters.MISMATCH_LOGS_SUPPRESSED.meterName())
                .description(CoreMeters.MISMATCH_LOGS_SUPPRESSED.description())
                .tags(tags)
                .register(registry);
        rechecksResolved = rechecks(registry, tags, "resolved");
        rechecksConfirmed = rechecks(registry, tags, "confirmed");
        hookErrors = Counter.builder(CoreMeters.HOOK_ERRORS.meterName())
                .description(CoreMeters.HOOK_ERRORS.description())
                .tags(tags)
                .register(registry);
    }

    private static Counter copies(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(CoreMeters.READ_THROUGH_COPIES.meterName())
                .description(CoreMeters.READ_THROUGH_COPIES.description())
                .tags(tags)
                .tag(DualRepoMetrics.TAG_OUTCOME, outcome)
                .register(registry);
    }

    private static Counter rechecks(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(CoreMeters.MISMATCH_RECHECKS.meterName())
                .description(CoreMeters.MISMATCH_RECHECKS.description())
                .tags(tags)
                .tag(DualRepoMetrics.TAG_OUTCOME, outcome)
                .register(registry);
    }

    private static int index(Side side, boolean success) {
        return side.ordinal() * 2 + (success ? 0 : 1);
    }

    /** The start of a call to pass to {@link #call}: the clock for one call in {@value #TIMED_ONE_IN}, else {@link #NOT_TIMED}. */
    static long start() {
        return ThreadLocalRandom.current().nextInt(TIMED_ONE_IN) == 0 ? System.nanoTime() : NOT_TIMED;
    }

    /**
     * Records one call that started at {@code startNanos}: a {@link System#nanoTime()} reading, or {@link
     * #NOT_TIMED} for a call only counted.
     */
    void call(Side side, boolean success, long startNanos) {
        int index = index(side, success);
        calls[index].increment();
        if (startNanos != NOT_TIMED) {
            latencies[index].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    void comparison(Outcome outcome, SkipReason reason) {
        comparisons[outcome.ordinal()].increment();
        if (reason != null) {
            skipped[reason.ordinal()].increment();
        }
    }

    void secondaryWriteFailed(Side side) {
        secondaryWriteFailures[side.ordinal()].increment();
    }

    void fallback() {
        fallbacks.increment();
    }

    void copy(boolean success) {
        (success ? copied : copyFailed).increment();
    }

    /** A copy not made because a write of the repository was running since the old model was read. */
    void copySkipped() {
        copySkipped.increment();
    }

    /** A copy that a write overlapped: removed from the new model again, or, when that failed, left unresolved. */
    void copyOverlapped(boolean undone) {
        (undone ? copyUndone : copyUnresolved).increment();
    }

    void mismatchLogSuppressed() {
        mismatchLogsSuppressed.increment();
    }

    void recheck(boolean resolved) {
        (resolved ? rechecksResolved : rechecksConfirmed).increment();
    }

    void hookError() {
        hookErrors.increment();
    }
}
