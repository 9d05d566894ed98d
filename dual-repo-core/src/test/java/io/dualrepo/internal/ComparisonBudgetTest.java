package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dualrepo.metrics.CoreMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The budget's judgements, fed latencies by hand window by window (each {@code judge()} ends one): what it does with
 * reads made in its pauses and beside them. No clock is read; the window is only the budget's unit of time.
 */
class ComparisonBudgetTest {

    private static final int READS = ComparisonBudget.MIN_READS;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ComparisonBudget budget = new ComparisonBudget(0.10, Duration.ofSeconds(1), registry);

    @Test
    void readsSlowerOutsidePausesLowerTheShareWhateverIsInFlight() {
        // Every ordinary window's reads take 150 µs whether a comparison is in flight or not: a cost paid after the
        // comparisons, which filing by what is in flight cannot see. The pause's reads take 100 µs.
        assertThat(windows(3, READS, 150_000, 100_000)).as("the first pause is the second window").isEqualTo(1);
        assertThat(budget.share()).isEqualTo(0.5);
        assertThat(windows(3, READS, 150_000, 100_000)).as("after a lowering the next pause comes at once")
                .isEqualTo(1);
        assertThat(budget.share()).isEqualTo(0.25);
        assertThat(changes("down")).isEqualTo(2);
        assertThat(changes("up")).isZero();
        assertThat(registry.get(CoreMeters.COMPARISON_SHARE.meterName()).gauge().value()).isEqualTo(0.25);
    }

    @Test
    void readsAsFastOutsidePausesAsInThemRaiseTheShareByATenthOncePerCycleUpToAll() {
        windows(6, READS, 150_000, 100_000);
        assertThat(budget.share()).isEqualTo(0.25);
        windows(3, READS, 105_000, 100_000);
        assertThat(budget.share()).as("within 10 %%").isCloseTo(0.35, within(1e-9));
        windows(ComparisonBudget.WINDOWS_PER_CYCLE - 1, READS, 100_000, 100_000);
        assertThat(budget.share()).as("no pause yet: one comes once a cycle").isCloseTo(0.35, within(1e-9));
        windows(1, READS, 100_000, 100_000);
        assertThat(budget.share()).isCloseTo(0.45, within(1e-9));
        windows(10 * ComparisonBudget.WINDOWS_PER_CYCLE, READS, 100_000, 100_000);
        assertThat(budget.share()).isEqualTo(1.0);
        assertThat(changes("up")).isEqualTo(8);
    }

    @Test
    void inSteadyStateOneWindowInTenIsAPauseAndComparesNothing() {
        windows(3, READS, 100_000, 100_000);
        int pauses = 0;
        for (int w = 0; w < 100; w++) {
            boolean paused = budget.paused();
            int admitted = 0;
            for (int i = 0; i < 1000; i++) {
                admitted += budget.admits() ? 1 : 0;
            }
            assertThat(admitted).as("reads compared in window %d", w).isEqualTo(paused ? 0 : 1000);
            pauses += paused ? 1 : 0;
            record(READS, 100_000);
            budget.judge();
        }
        assertThat(pauses).isEqualTo(100 / ComparisonBudget.WINDOWS_PER_CYCLE);
        assertThat(budget.share()).isEqualTo(1.0);
    }

    @Test
    void aLoadRisingOrFallingAcrossAPauseLeavesTheShareWhereItIs() {
        windows(3, READS, 150_000, 100_000);
        assertThat(budget.share()).isEqualTo(0.5);
        // Comparisons cost nothing here, but each window is a quarter slower (then faster) than the one before: the
        // window after a pause is over budget against it, the one before is under.
        long nanos = 100_000;
        for (int w = 0; w < 3 * ComparisonBudget.WINDOWS_PER_CYCLE; w++, nanos = nanos * 5 / 4) {
            record(READS, nanos);
            budget.judge();
        }
        assertThat(budget.share()).as("share after a rising load").isEqualTo(0.5);
        for (int w = 0; w < 3 * ComparisonBudget.WINDOWS_PER_CYCLE; w++, nanos = nanos * 4 / 5) {
            record(READS, nanos);
            budget.judge();
        }
        assertThat(budget.share()).as("share after a falling load").isEqualTo(0.5);
        assertThat(changes("up")).isZero();
    }

    @Test
    void theShareNeverGoesBelowOnePercent() {
        windows(30 * ComparisonBudget.WINDOWS_PER_CYCLE, READS, 1_000_000, 100_000);
        assertThat(budget.share()).isEqualTo(ComparisonBudget.MIN_SHARE);
        while (budget.paused()) {
            record(READS, 100_000);
            budget.judge();
        }
        int admitted = 0;
        for (int i = 0; i < 100_000; i++) {
            admitted += budget.admits() ? 1 : 0;
        }
        assertThat(admitted).as("about 1 %% of 100,000").isBetween(700, 1300);
    }

    @Test
    void theP99IsJudgedNotTheMedian() {
        // Same median; outside pauses 2 % of the reads take 10× as long: the p99 is over budget.
        for (int w = 0; w < 3; w++) {
            boolean paused = budget.paused();
            for (int i = 0; i < 2000; i++) {
                budget.record(!paused && i % 50 == 0 ? 1_000_000 : 100_000, false);
            }
            budget.judge();
        }
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void fewReadsAreGatheredOverSeveralPausesUntilEachWindowHasEnough() {
        int cycles = ComparisonBudget.MAX_CYCLES_PER_JUDGEMENT - 1;
        int perWindow = ComparisonBudget.MIN_READS / cycles + 1;
        windows(3, perWindow, 150_000, 100_000);
        for (int cycle = 1; cycle < cycles; cycle++) {
            assertThat(budget.share()).as("after pause %d", cycle).isEqualTo(1.0);
            windows(ComparisonBudget.WINDOWS_PER_CYCLE, perWindow, 150_000, 100_000);
        }
        assertThat(budget.share()).isEqualTo(0.5);
        assertThat(windows(3 * cycles, perWindow, 150_000, 100_000))
                .as("after a lowering pauses come at once, also while gathering reads").isEqualTo(cycles);
        assertThat(budget.share()).isEqualTo(0.25);
    }

    @Test
    void onceThePausesRunOutAFewReadsOfEachWindowAreJudged() {
        int cycles = ComparisonBudget.MAX_CYCLES_PER_JUDGEMENT;
        int perWindow = (ComparisonBudget.FEW_READS + cycles - 1) / cycles;
        windows(3, perWindow, 150_000, 100_000);
        windows((cycles - 1) * ComparisonBudget.WINDOWS_PER_CYCLE - 1, perWindow, 150_000, 100_000);
        assertThat(budget.share()).as("one window short of the last pause's end").isEqualTo(1.0);
        windows(1, perWindow, 150_000, 100_000);
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void littleTrafficLeavesTheShareWhereItIs() {
        windows(3, READS, 150_000, 100_000);
        windows(10 * ComparisonBudget.WINDOWS_PER_CYCLE, 5, 10_000_000, 100_000);
        assertThat(budget.share()).isEqualTo(0.5);
    }

    @Test
    void comparisonsStillRunningThroughThePausesLowerTheShare() {
        // Comparisons admitted before each pause run through all of it: no read in it is free of them, and that
        // they queue so far behind is itself the sign of too many.
        for (int w = 0; w < ComparisonBudget.MAX_CYCLES_PER_JUDGEMENT * ComparisonBudget.WINDOWS_PER_CYCLE; w++) {
            for (int i = 0; i < READS; i++) {
                budget.record(100_000, true);
            }
            budget.judge();
        }
        assertThat(budget.share()).isEqualTo(0.5);
    }

    /**
     * Ends {@code count} windows, each with {@code reads} reads at {@code ordinaryNanos}, or at {@code pausedNanos}
     * in a pause; outside pauses half the reads ran beside a comparison, at the same latency. Returns the pauses.
     */
    private int windows(int count, int reads, long ordinaryNanos, long pausedNanos) {
        int pauses = 0;
        for (int w = 0; w < count; w++) {
            if (budget.paused()) {
                pauses++;
                record(reads, pausedNanos);
            } else {
                record(reads, ordinaryNanos);
            }
            budget.judge();
        }
        return pauses;
    }

    private void record(int reads, long nanos) {
        boolean paused = budget.paused();
        for (int i = 0; i < reads; i++) {
            budget.record(nanos, !paused && i % 2 == 0);
        }
    }

    private double changes(String direction) {
        return registry.get(CoreMeters.COMPARISON_SHARE_CHANGES.meterName()).tag("direction", direction).counter()
                .count();
    }
}
