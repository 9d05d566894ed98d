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
import org.jspecify.annotations.Nullable;

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

    /** What a method can record, so that only meters that can move are registered (and exported as series). */
    enum Kind {
        /** A read: comparisons, rechecks, mismatch logs. */
        READ,
        /** A read with {@code @ReadThrough}: besides, fallbacks to the old model and copies into the new. */
        READ_THROUGH,
        /** A write: secondary-write failures. */
        WRITE
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final ThreadCounter[] calls = new ThreadCounter[4];
    private final Timer[] latencies = new Timer[4];
    private final Counter[] comparisons = new Counter[Outcome.values().length];
    private final Counter[] skipped = new Counter[SkipReason.values().length];
    private final Counter[] secondaryWriteFailures = new Counter[2];
    private final Counter hookErrors;
    // Registered up front for the kinds that record them; for another kind, on first use (never expected: a safety
    // net, so that a path not foreseen counts rather than fails).
    private volatile @Nullable Counter fallbacks;
    private volatile @Nullable Counter copied;
    private volatile @Nullable Counter copyFailed;
    private volatile @Nullable Counter copySkipped;
    private volatile @Nullable Counter copyUndone;
    private volatile @Nullable Counter copyUnresolved;
    private volatile @Nullable Counter mismatchLogsSuppressed;
    private volatile @Nullable Counter rechecksResolved;
    private volatile @Nullable Counter rechecksConfirmed;

    MethodMeters(MeterRegistry registry, String repository, String method, Kind kind) {
        this.registry = registry;
        this.tags = Tags.of(DualRepoMetrics.TAG_REPOSITORY, repository, DualRepoMetrics.TAG_METHOD, method);
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
        }
        hookErrors = counter(CoreMeters.HOOK_ERRORS, null, null);
        if (kind == Kind.WRITE) {
            for (Side side : Side.values()) {
                secondaryWriteFailure(side);
            }
            return;
        }
        for (Outcome outcome : Outcome.values()) {
            comparisonCounter(outcome);
        }
        for (SkipReason reason : SkipReason.values()) {
            skippedCounter(reason);
        }
        mismatchLogsSuppressed();
        rechecks(true);
        rechecks(false);
        if (kind == Kind.READ_THROUGH) {
            fallbacks();
            copies(DualRepoMetrics.OUTCOME_SUCCESS);
            copies(DualRepoMetrics.OUTCOME_ERROR);
            copies("skipped");
            copies("undone");
            copies("unresolved");
        }
    }

    private Counter counter(CoreMeters meter, @Nullable String tag, @Nullable String value) {
        Counter.Builder builder = Counter.builder(meter.meterName()).description(meter.description()).tags(tags);
        if (tag != null && value != null) {
            builder.tag(tag, value);
        }
        return builder.register(registry);
    }

    private Counter comparisonCounter(Outcome outcome) {
        Counter counter = comparisons[outcome.ordinal()];
        if (counter == null) {
            counter = counter(CoreMeters.COMPARISONS, DualRepoMetrics.TAG_OUTCOME, outcome.tag());
            comparisons[outcome.ordinal()] = counter;
        }
        return counter;
    }

    private Counter skippedCounter(SkipReason reason) {
        Counter counter = skipped[reason.ordinal()];
        if (counter == null) {
            counter = counter(CoreMeters.COMPARISONS_SKIPPED, DualRepoMetrics.TAG_REASON, reason.tag());
            skipped[reason.ordinal()] = counter;
        }
        return counter;
    }

    private Counter secondaryWriteFailure(Side side) {
        Counter counter = secondaryWriteFailures[side.ordinal()];
        if (counter == null) {
            counter = counter(CoreMeters.SECONDARY_WRITE_FAILURES, DualRepoMetrics.TAG_SIDE, side.tag());
            secondaryWriteFailures[side.ordinal()] = counter;
        }
        return counter;
    }

    private Counter fallbacks() {
        if (fallbacks == null) {
            fallbacks = counter(CoreMeters.READ_THROUGH_FALLBACKS, null, null);
        }
        return fallbacks;
    }

    private Counter copies(String outcome) {
        Counter counter = switch (outcome) {
            case DualRepoMetrics.OUTCOME_SUCCESS -> copied;
            case DualRepoMetrics.OUTCOME_ERROR -> copyFailed;
            case "skipped" -> copySkipped;
            case "undone" -> copyUndone;
            default -> copyUnresolved;
        };
        if (counter != null) {
            return counter;
        }
        // The registry hands back the same counter to a second registration: a race here only repeats a lookup.
        counter = counter(CoreMeters.READ_THROUGH_COPIES, DualRepoMetrics.TAG_OUTCOME, outcome);
        switch (outcome) {
            case DualRepoMetrics.OUTCOME_SUCCESS -> copied = counter;
            case DualRepoMetrics.OUTCOME_ERROR -> copyFailed = counter;
            case "skipped" -> copySkipped = counter;
            case "undone" -> copyUndone = counter;
            default -> copyUnresolved = counter;
        }
        return counter;
    }

    private Counter mismatchLogsSuppressed() {
        if (mismatchLogsSuppressed == null) {
            mismatchLogsSuppressed = counter(CoreMeters.MISMATCH_LOGS_SUPPRESSED, null, null);
        }
        return mismatchLogsSuppressed;
    }

    private Counter rechecks(boolean resolved) {
        Counter counter = resolved ? rechecksResolved : rechecksConfirmed;
        if (counter == null) {
            counter = counter(CoreMeters.MISMATCH_RECHECKS, DualRepoMetrics.TAG_OUTCOME,
                    resolved ? "resolved" : "confirmed");
            if (resolved) {
                rechecksResolved = counter;
            } else {
                rechecksConfirmed = counter;
            }
        }
        return counter;
    }

    private static int index(Side side, boolean success) {
        return side.ordinal() * 2 + (success ? 0 : 1);
    }

    /**
     * The start of a call to pass to {@link #call}: the clock for one call in {@value #TIMED_ONE_IN}, else {@link
     * #NOT_TIMED}.
     */
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

    void comparison(Outcome outcome, @Nullable SkipReason reason) {
        comparisonCounter(outcome).increment();
        if (reason != null) {
            skippedCounter(reason).increment();
        }
    }

    void secondaryWriteFailed(Side side) {
        secondaryWriteFailure(side).increment();
    }

    void fallback() {
        fallbacks().increment();
    }

    void copy(boolean success) {
        copies(success ? DualRepoMetrics.OUTCOME_SUCCESS : DualRepoMetrics.OUTCOME_ERROR).increment();
    }

    /** A copy not made because a write of the repository was running since the old model was read. */
    void copySkipped() {
        copies("skipped").increment();
    }

    /** A copy that a write overlapped: removed from the new model again, or, when that failed, left unresolved. */
    void copyOverlapped(boolean undone) {
        copies(undone ? "undone" : "unresolved").increment();
    }

    void mismatchLogSuppressed() {
        mismatchLogsSuppressed().increment();
    }

    void recheck(boolean resolved) {
        rechecks(resolved).increment();
    }

    void hookError() {
        hookErrors.increment();
    }
}
