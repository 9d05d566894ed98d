package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every meter of one repository method, registered once so that a call only records.
 *
 * <p>Calls are counted exactly, but only one call in {@value #TIMED_ONE_IN}, chosen at random, is timed: two clock
 * reads cost about 50 ns on a virtual machine, more than the rest of a routed call, and benchmarks/RoutingBenchmark
 * holds routing to 50 ns. A call that is not timed records the latest timed latency of its side and outcome, so that
 * counts stay exact and totals and means are unbiased estimates; the maximum is the largest timed latency.
 */
final class MethodMeters {

    /** One call in this many is timed (see the class comment); the shadow reads, off the caller's path, all are. */
    static final int TIMED_ONE_IN = 16;
    /** What {@link #start()} gives for a call it does not time. */
    static final long NOT_TIMED = Long.MIN_VALUE;

    private final Timer[] calls = new Timer[4];
    // Written by timed calls, read by the others: opaque access is atomic and costs a plain load or store here.
    private final AtomicLongArray lastTimedNanos = new AtomicLongArray(4);
    private final Counter[] comparisons = new Counter[Outcome.values().length];
    private final Counter[] skipped = new Counter[SkipReason.values().length];
    private final Counter[] secondaryWriteFailures = new Counter[2];
    private final Counter fallbacks;
    private final Counter copied;
    private final Counter copyFailed;
    private final Counter mismatchLogsSuppressed;
    private final Counter hookErrors;
    private final Counter rechecksResolved;
    private final Counter rechecksConfirmed;

    MethodMeters(MeterRegistry registry, String repository, String method) {
        Tags tags = Tags.of(DualRepoMetrics.TAG_REPOSITORY, repository, DualRepoMetrics.TAG_METHOD, method);
        for (int i = 0; i < lastTimedNanos.length(); i++) {
            lastTimedNanos.setOpaque(i, -1);
        }
        for (Side side : Side.values()) {
            for (boolean success : new boolean[] {true, false}) {
                calls[index(side, success)] = Timer.builder(DualRepoMetrics.CALLS)
                        .description("Calls to each model")
                        .tags(tags)
                        .tag(DualRepoMetrics.TAG_SIDE, side.tag())
                        .tag(DualRepoMetrics.TAG_OUTCOME,
                                success ? DualRepoMetrics.OUTCOME_SUCCESS : DualRepoMetrics.OUTCOME_ERROR)
                        .register(registry);
            }
            secondaryWriteFailures[side.ordinal()] = Counter.builder(DualRepoMetrics.SECONDARY_WRITE_FAILURES)
                    .description("Writes the primary model took and this model did not")
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_SIDE, side.tag())
                    .register(registry);
        }
        for (Outcome outcome : Outcome.values()) {
            comparisons[outcome.ordinal()] = Counter.builder(DualRepoMetrics.COMPARISONS)
                    .description("Comparisons of the two models' reads, by outcome")
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_OUTCOME, outcome.tag())
                    .register(registry);
        }
        for (SkipReason reason : SkipReason.values()) {
            skipped[reason.ordinal()] = Counter.builder(DualRepoMetrics.COMPARISONS_SKIPPED)
                    .description("Comparisons not made, by reason")
                    .tags(tags)
                    .tag(DualRepoMetrics.TAG_REASON, reason.tag())
                    .register(registry);
        }
        fallbacks = Counter.builder(DualRepoMetrics.READ_THROUGH_FALLBACKS)
                .description("Read-through reads the new model had nothing for, answered by the old model")
                .tags(tags)
                .register(registry);
        copied = copies(registry, tags, DualRepoMetrics.OUTCOME_SUCCESS);
        copyFailed = copies(registry, tags, DualRepoMetrics.OUTCOME_ERROR);
        mismatchLogsSuppressed = Counter.builder(DualRepoMetrics.MISMATCH_LOGS_SUPPRESSED)
                .description("Mismatches not logged because of the log bound; still counted")
                .tags(tags)
                .register(registry);
        rechecksResolved = rechecks(registry, tags, "resolved");
        rechecksConfirmed = rechecks(registry, tags, "confirmed");
        hookErrors = Counter.builder(DualRepoMetrics.HOOK_ERRORS)
                .description("Comparison listeners and failed-write sinks that threw")
                .tags(tags)
                .register(registry);
    }

    private static Counter copies(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(DualRepoMetrics.READ_THROUGH_COPIES)
                .description("Migrate-on-read copies into the new model")
                .tags(tags)
                .tag(DualRepoMetrics.TAG_OUTCOME, outcome)
                .register(registry);
    }

    private static Counter rechecks(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(DualRepoMetrics.MISMATCH_RECHECKS)
                .description("Background mismatches read again: resolved (a write came in between) or confirmed")
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
     * #NOT_TIMED} for a call not timed, which records the latest timed latency of its kind instead.
     */
    void call(Side side, boolean success, long startNanos) {
        int index = index(side, success);
        long nanos;
        if (startNanos == NOT_TIMED) {
            nanos = lastTimedNanos.getOpaque(index);
            if (nanos < 0) {
                // Nothing of this kind timed yet: the side's successful calls say more than zero would.
                nanos = Math.max(0, lastTimedNanos.getOpaque(index(side, true)));
            }
        } else {
            nanos = System.nanoTime() - startNanos;
            lastTimedNanos.setOpaque(index, nanos);
        }
        calls[index].record(nanos, TimeUnit.NANOSECONDS);
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
