package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Routes that must not take effect, and the route in force when the source has none or fails. */
class RoutingTest {

    private static final Route READ_NEW_WRITE_OLD =
            Route.of(ReadSource.NEW, WriteTargets.OLD, Comparison.OFF);

    @Test
    void theInMemorySourceRefusesARouteThatReadsAModelItDoesNotWrite() {
        try (Harness harness = new Harness(b -> { })) {
            harness.routes.set("orders", Stage.DUAL_WRITE);

            assertThatThrownBy(() -> harness.routes.set("orders", READ_NEW_WRITE_OLD))
                    .isInstanceOf(RouteRefusedException.class)
                    .hasMessageContaining("reads come from NEW but writes go to OLD only");

            harness.orders.save(Order.of("o-1", "c-1"));
            assertThat(harness.sidesOf("save")).containsExactly(Side.OLD, Side.NEW);
        }
    }

    @Test
    void aRefusedRouteFromTheSourceKeepsTheLastValidOneAndIsCountedAndLoggedOnce() {
        AtomicReference<Route> offered = new AtomicReference<>(Stage.DUAL_WRITE.route());
        try (Harness harness = new Harness((repository, key) -> Optional.of(offered.get()), b -> { })) {
            harness.orders.save(Order.of("o-1", "c-1"));
            offered.set(READ_NEW_WRITE_OLD);
            harness.orders.save(Order.of("o-2", "c-1"));
            harness.orders.save(Order.of("o-3", "c-1"));

            assertThat(harness.sidesOf("save")).containsExactly(Side.OLD, Side.NEW, Side.OLD, Side.NEW, Side.OLD, Side.NEW);
            assertThat(harness.counter("dualrepo.route.refused", "repository", "orders")).isEqualTo(2);
            assertThat(harness.logLines("io.dualrepo.internal.RouteGuard"))
                    .filteredOn(line -> line.contains("route refused")).singleElement().asString()
                    .contains("orders").contains("keeping read OLD, write BOTH, compare off");
            assertThat(harness.dualRepo.currentRoute("orders")).isEqualTo(Stage.DUAL_WRITE.route());
        }
    }

    @Test
    void readThroughRequiresWritesToBothModels() {
        assertThat(Route.of(ReadSource.NEW_THEN_OLD, WriteTargets.NEW, Comparison.OFF).problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("writes must go to BOTH"));
        assertThat(Stage.readThrough(Comparison.OFF).isValid()).isTrue();
    }

    @Test
    void withoutARouteTheDefaultAppliesAndASourceThatThrowsKeepsTheLastValidRoute() {
        AtomicReference<Route> offered = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (Harness harness = new Harness((repository, key) -> {
            if (failure.get() != null) {
                throw failure.get();
            }
            return Optional.ofNullable(offered.get());
        }, b -> b.defaultRoute(Stage.DUAL_WRITE))) {
            harness.orders.save(Order.of("o-1", "c-1"));
            offered.set(Stage.NEW_ONLY.route());
            harness.orders.save(Order.of("o-2", "c-1"));
            failure.set(new IllegalStateException("flag service unreachable"));
            harness.orders.save(Order.of("o-3", "c-1"));
            harness.orders.save(Order.of("o-4", "c-1"));

            assertThat(harness.sidesOf("save")).containsExactly(Side.OLD, Side.NEW, Side.NEW, Side.NEW, Side.NEW);
            assertThat(harness.counter("dualrepo.route.source.errors", "repository", "orders")).isEqualTo(2);
            assertThat(harness.counter("dualrepo.route.changes", "repository", "orders")).isEqualTo(1);
            assertThat(harness.logLines("io.dualrepo.internal.RouteGuard"))
                    .contains("orders: read OLD -> NEW, write BOTH -> NEW")
                    .filteredOn(line -> line.contains("route source failed")).hasSize(1);
        }
    }

    @Test
    void theRoutingKeyArgumentReachesTheSource() {
        List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Harness harness = new Harness((repository, key) -> {
            keys.add(repository + "/" + key);
            return Optional.of(Stage.OLD_ONLY.route());
        }, b -> { })) {
            harness.orders.findByCustomer("customer-42");
            harness.orders.findById("o-1");

            // A keyed call asks for the repository-wide route too: its write targets are the repository's.
            assertThat(keys).containsExactly("orders/null", "orders/customer-42", "orders/null");
        }
    }

    @Test
    void readThroughAnswersFromNewFallsBackToOldAndMigratesOnRead() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.oldModel.rows.put("o-2", Order.of("o-2", "c-1"));
            harness.newModel.rows.put("o-2", Order.of("o-2", "c-1"));
            harness.routes.set("orders", Stage.readThrough(Comparison.ALWAYS));

            assertThat(harness.orders.findById("o-1")).contains(Order.of("o-1", "c-1"));
            assertThat(harness.newModel.rows).containsEntry("o-1", Order.of("o-1", "c-1"));
            assertThat(harness.counter("dualrepo.readthrough.fallbacks", "method", "findById")).isEqualTo(1);
            assertThat(harness.counter("dualrepo.readthrough.copies", "method", "findById", "outcome", "success"))
                    .isEqualTo(1);
            assertThat(harness.skipped("findById", "read_through_fallback")).isEqualTo(1);

            // Now NEW has it: no fallback, and the answer is compared against OLD.
            harness.touches.clear();
            assertThat(harness.orders.findById("o-1")).isPresent();
            assertThat(harness.sidesOf("findById")).containsExactly(Side.NEW, Side.OLD);
            assertThat(harness.comparisons("findById", "match")).isEqualTo(1);
            assertThat(harness.counter("dualrepo.readthrough.fallbacks", "method", "findById")).isEqualTo(1);

            // Missing on both sides: one fallback, nothing to copy.
            assertThat(harness.orders.findById("nowhere")).isEmpty();
            assertThat(harness.newModel.rows).doesNotContainKey("nowhere");
        }
    }

    @Test
    void underReadThroughAMultiRowReadIsAnsweredByOldBecauseNewIsIncomplete() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.oldModel.rows.put("o-2", Order.of("o-2", "c-1"));
            harness.newModel.rows.put("o-2", Order.of("o-2", "c-1"));
            harness.routes.set("orders", Stage.readThrough(Comparison.ALWAYS));

            assertThat(harness.orders.findByCustomer("c-1")).hasSize(2);
            assertThat(harness.sidesOf("findByCustomer")).containsExactly(Side.OLD);
        }
    }
}
