package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dualrepo.metrics.CoreMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budget's judgements, fed latencies by hand: what it does with each kind of window. */
class ComparisonBudgetTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ComparisonBudget budget = new ComparisonBudget(0.10, Duration.ofSeconds(1), registry);

    @Test
    void readsSlowerWhileComparingHalveTheShareOnlyAfterTwoJudgementsInARow() {
        window(100_000, 150_000);
        assertThat(budget.share()).as("one window over budget may be chance").isEqualTo(1.0);
        window(100_000, 150_000);
        assertThat(budget.share()).isEqualTo(0.5);
        window(100_000, 150_000);
        assertThat(budget.share()).isEqualTo(0.25);
        assertThat(changes("down")).isEqualTo(2);
        assertThat(registry.get(CoreMeters.COMPARISON_SHARE.meterName()).gauge().value()).isEqualTo(0.25);
    }

    @Test
    void aWindowWithinBudgetBreaksTheRunAndRaisesTheShareByATenthUpToAll() {
        window(100_000, 150_000);
        window(100_000, 150_000);
        window(100_000, 150_000);
        assertThat(budget.share()).isEqualTo(0.25);
        window(100_000, 105_000);
        assertThat(budget.share()).isCloseTo(0.35, within(1e-9));
        window(100_000, 150_000);
        assertThat(budget.share()).as("the run over budget starts again").isCloseTo(0.35, within(1e-9));
        for (int i = 0; i < 10; i++) {
            window(100_000, 100_000);
        }
        assertThat(budget.share()).isEqualTo(1.0);
        assertThat(changes("up")).isEqualTo(8);
    }

    @Test
    void theShareNeverGoesBelowOnePercent() {
        for (int i = 0; i < 30; i++) {
            window(100_000, 1_000_000);
        }
        assertThat(budget.share()).isEqualTo(ComparisonBudget.MIN_SHARE);
        int admitted = 0;
        for (int i = 0; i < 100_000; i++) {
            admitted += budget.admits() ? 1 : 0;
        }
        assertThat(admitted).as("about 1 %% of 100,000").isBetween(700, 1300);
    }

    @Test
    void theP99IsJudgedNotTheMedian() {
        // Same median; 2 % of the reads while comparing take 10× as long: the p99 is over budget.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2000; i++) {
                budget.record(100_000, false);
                budget.record(i % 50 == 0 ? 1_000_000 : 100_000, true);
            }
            budget.judge();
        }
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void comparisonsDuringNearlyEveryReadLowerTheShareOnceTheWindowsRunOut() {
        for (int w = 1; w < ComparisonBudget.MAX_WINDOWS_PER_JUDGEMENT; w++) {
            record(0, 500, 100_000, 100_000);
            budget.judge();
            assertThat(budget.share()).as("still waiting for quiet reads, window %d", w).isEqualTo(1.0);
        }
        budget.judge();
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void comparisonsDuringAlmostNoReadRaiseTheShareOnceTheWindowsRunOut() {
        window(100_000, 150_000);
        window(100_000, 150_000);
        assertThat(budget.share()).isEqualTo(0.5);
        for (int w = 0; w < ComparisonBudget.MAX_WINDOWS_PER_JUDGEMENT; w++) {
            record(500, 5, 100_000, 100_000);
            budget.judge();
        }
        assertThat(budget.share()).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void onceTheWindowsRunOutAFewReadsOfEachKindAreJudged() {
        for (int round = 0; round < 2; round++) {
            for (int w = 0; w < ComparisonBudget.MAX_WINDOWS_PER_JUDGEMENT; w++) {
                record(15, 15, 100_000, 1_000_000);
                budget.judge();
            }
        }
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void littleTrafficLeavesTheShareWhereItIs() {
        window(100_000, 150_000);
        window(100_000, 150_000);
        for (int w = 0; w < 3 * ComparisonBudget.MAX_WINDOWS_PER_JUDGEMENT; w++) {
            record(5, 5, 100_000, 10_000_000);
            budget.judge();
        }
        assertThat(budget.share()).isEqualTo(0.5);
    }

    /** One window with enough reads of each kind, at the given latencies (nanoseconds), then a judgement. */
    private void window(long quietNanos, long busyNanos) {
        record(ComparisonBudget.MIN_READS, ComparisonBudget.MIN_READS, quietNanos, busyNanos);
        budget.judge();
    }

    private void record(int quietReads, int busyReads, long quietNanos, long busyNanos) {
        for (int i = 0; i < quietReads; i++) {
            budget.record(quietNanos, false);
        }
        for (int i = 0; i < busyReads; i++) {
            budget.record(busyNanos, true);
        }
    }

    private double changes(String direction) {
        return registry.get(CoreMeters.COMPARISON_SHARE_CHANGES.meterName()).tag("direction", direction).counter()
                .count();
    }
}
