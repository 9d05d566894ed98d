package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Every meter of one repository method, registered once so that a call only records. */
final class MethodMeters {

    private final Timer[] calls = new Timer[4];
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

    void call(Side side, boolean success, long startNanos) {
        calls[index(side, success)].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
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
