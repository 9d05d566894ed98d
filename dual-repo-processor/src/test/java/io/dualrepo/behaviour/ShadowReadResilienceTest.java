package io.dualrepo.behaviour;

import static io.dualrepo.behaviour.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.CircuitState;
import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.routing.Stage;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A secondary model that throws, times out or hangs changes nothing for the caller: the caller gets the primary's
 * answer on its own thread, and the failure is only counted.
 */
class ShadowReadResilienceTest {

    @Test
    void aThrowingSecondaryIsCountedAndTheCallerGetsThePrimaryAnswer() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.failReads = new IllegalStateException("new model is broken");
            harness.routes.set("orders", Stage.SHADOW);

            assertThat(harness.orders.findById("o-1")).contains(Order.of("o-1", "c-1"));

            // Counted, then handed to the listeners, on the comparison thread: wait for both.
            eventually("secondary error counted and heard", () -> harness.comparisons("findById", "secondary_error") == 1
                    && harness.comparisons.stream().anyMatch(c -> c.outcome() == Outcome.SECONDARY_ERROR));
            assertThat(harness.calls("findById", Side.NEW, "error")).isEqualTo(1);
            assertThat(harness.comparisons.stream().filter(c -> c.outcome() == Outcome.SECONDARY_ERROR))
                    .singleElement()
                    .satisfies(c -> assertThat(c.secondaryError()).isEqualTo(IllegalStateException.class.getName()));
        }
    }

    @Test
    void theShadowReadRunsOffTheCallersThread() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findById("o-1");

            eventually("match counted", () -> harness.comparisons("findById", "match") == 1);
            String caller = Thread.currentThread().getName();
            assertThat(harness.touchesOf("findById"))
                    .anySatisfy(t -> assertThat(t).extracting(InMemoryOrders.Touch::side, InMemoryOrders.Touch::thread)
                            .containsExactly(Side.OLD, caller))
                    .anySatisfy(t -> {
                        assertThat(t.side()).isEqualTo(Side.NEW);
                        assertThat(t.thread()).startsWith("dualrepo-shadow-").isNotEqualTo(caller);
                    });
        }
    }

    @Test
    void aHangingSecondaryTimesOutIsInterruptedAndNeverHoldsTheCaller() {
        CountDownLatch never = new CountDownLatch(1);
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC)
                .comparisonTimeout(Duration.ofMillis(100)))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.blockReadsUntil = never;
            harness.routes.set("orders", Stage.SHADOW);

            // If the caller waited for the secondary, this call would never return: the latch is never released.
            assertThat(harness.orders.findById("o-1")).contains(Order.of("o-1", "c-1"));

            eventually("timeout counted", () -> harness.comparisons("findById", "timeout") == 1);
            eventually("hung read interrupted", harness.newModel.interrupted::get);
            assertThat(harness.comparisons("findById", "match")).isZero();
            // The counter moves before the line is logged, on the comparison's thread: wait for the line too.
            eventually("timeout logged", () -> harness.logLines("io.dualrepo.Mismatch").stream()
                    .anyMatch(line -> line.contains("orders.findById") && line.contains("did not answer")));
        }
    }

    @Test
    void aFullBulkheadSkipsTheComparisonInsteadOfQueueing() {
        CountDownLatch release = new CountDownLatch(1);
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC)
                .comparisonThreads(1)
                .comparisonQueue(0)
                .comparisonTimeout(Duration.ofSeconds(30)))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.blockReadsUntil = release;
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findById("o-1");
            eventually("first shadow read running", () -> harness.sidesOf("findById").contains(Side.NEW));
            for (int i = 0; i < 5; i++) {
                assertThat(harness.orders.findById("o-1")).isPresent();
            }

            assertThat(harness.skipped("findById", "bulkhead_full")).isEqualTo(5);
            assertThat(harness.comparisons("findById", "skipped")).isEqualTo(5);
            release.countDown();
            eventually("first comparison finished", () -> harness.comparisons("findById", "mismatch") == 1);
        }
    }

    @Test
    void theCircuitOpensOnARepeatedlyFailingSecondaryAndThenSkips() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC)
                .comparisonThreads(1)
                .circuitBreaker(50, 4, Duration.ofMinutes(5)))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.failReads = new IllegalStateException("down");
            harness.routes.set("orders", Stage.SHADOW);

            for (int i = 0; i < 4; i++) {
                harness.orders.findById("o-1");
                int done = i + 1;
                eventually("comparison " + done, () -> harness.comparisons("findById", "secondary_error") == done);
            }
            eventually("circuit open", () -> harness.dualRepo.circuitState("orders") == CircuitState.OPEN);
            for (int i = 0; i < 10; i++) {
                assertThat(harness.orders.findById("o-1")).isPresent();
            }

            assertThat(harness.skipped("findById", "circuit_open")).isEqualTo(10);
            assertThat(harness.calls("findById", Side.NEW, "error")).isEqualTo(4);
        }
    }

    @Test
    void thePrimarysExceptionReachesTheCallerUnchangedAndBothThrowingTheSameIsAMatch() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.routes.set("orders", Stage.SHADOW);

            assertThatThrownBy(() -> harness.orders.getExisting("missing"))
                    .isExactlyInstanceOf(OrderNotFoundException.class)
                    .hasMessage("no order missing");

            assertThat(harness.comparisons("getExisting", "match")).isEqualTo(1);
            assertThat(harness.calls("getExisting", Side.OLD, "error")).isEqualTo(1);
        }
    }

    @Test
    void thePrimarysExceptionWhileTheSecondaryAnswersIsAMismatch() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.routes.set("orders", Stage.SHADOW);

            assertThatThrownBy(() -> harness.orders.getExisting("o-1")).isInstanceOf(OrderNotFoundException.class);

            assertThat(harness.comparisons("getExisting", "mismatch")).isEqualTo(1);
            assertThat(harness.comparisons.peek().differences()).singleElement()
                    .satisfies(d -> assertThat(d.oldValue()).isEqualTo("threw " + OrderNotFoundException.class.getName()));
        }
    }

    @Test
    void aListenerThatThrowsNeverReachesTheCaller() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC).onComparison(result -> {
            throw new IllegalStateException("listener bug");
        }))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.routes.set("orders", Stage.SHADOW);

            assertThat(harness.orders.findById("o-1")).isPresent();

            assertThat(harness.counter("dualrepo.hook.errors", "method", "findById")).isEqualTo(1);
            // the harness's own listener, registered first, still saw the outcome
            assertThat(harness.comparisons).hasSize(1);
        }
    }

    @Test
    void onlyTheSampledShareOfReadsIsComparedAndEveryReadIsAccountedFor() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.routes.set("orders", io.dualrepo.routing.Route.of(io.dualrepo.routing.ReadSource.OLD,
                    io.dualrepo.routing.WriteTargets.BOTH, io.dualrepo.routing.Comparison.sampled(0.25)));

            for (int i = 0; i < 2000; i++) {
                harness.orders.findById("o-1");
            }

            double compared = harness.comparisons("findById", "match");
            double notSampled = harness.skipped("findById", "not_sampled");
            assertThat(compared + notSampled).isEqualTo(2000);
            // 0.25 of 2000 is 500; a binomial spread of ±150 is over 7 standard deviations.
            assertThat(compared).isBetween(350.0, 650.0);
            assertThat((double) harness.calls("findById", Side.NEW, "success")).isEqualTo(compared);
        }
    }

    @Test
    void aBackgroundMismatchCausedByAWriteInBetweenIsReadAgainAndCountsAsAMatch() {
        CountDownLatch holdShadowRead = new CountDownLatch(1);
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.blockReadsUntil = holdShadowRead;
            harness.routes.set("orders", Stage.SHADOW);

            assertThat(harness.orders.findById("o-1")).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo("open"));
            // A write lands in both models after the caller's read and before the shadow read.
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("closed"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("closed"));
            harness.newModel.blockReadsUntil = null;
            holdShadowRead.countDown();

            eventually("comparison done", () -> harness.comparisons("findById", "match") == 1);
            assertThat(harness.comparisons("findById", "mismatch")).isZero();
            assertThat(harness.counter("dualrepo.mismatch.rechecks", "method", "findById", "outcome", "resolved"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aRealBackgroundMismatchSurvivesTheRecheck() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("wrong"));
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findById("o-1");

            eventually("mismatch counted", () -> harness.comparisons("findById", "mismatch") == 1);
            assertThat(harness.counter("dualrepo.mismatch.rechecks", "method", "findById", "outcome", "confirmed"))
                    .isEqualTo(1);
        }
    }
}
