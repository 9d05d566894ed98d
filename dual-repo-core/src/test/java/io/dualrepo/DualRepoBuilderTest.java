package io.dualrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A misconfiguration fails when the runtime is built, naming the offending value. */
class DualRepoBuilderTest {

    @Test
    void badValuesAreRejectedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> DualRepo.builder().comparisonThreads(0))
                .hasMessage("comparisonThreads must be at least 1, was 0");
        assertThatThrownBy(() -> DualRepo.builder().comparisonTimeout(Duration.ZERO))
                .hasMessage("comparisonTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(120, 10, Duration.ofSeconds(1)))
                .hasMessage("circuit failure rate must be in (0, 100], was 120.0");
        assertThatThrownBy(() -> DualRepo.builder().mismatchLogsPerMinute(-1))
                .hasMessage("mismatchLogsPerMinute must be at least 0, was -1");
        assertThatThrownBy(() -> DualRepo.builder().defaultRoute(Route.of(ReadSource.NEW, WriteTargets.OLD,
                Comparison.OFF))).isInstanceOf(RouteRefusedException.class);
    }

    @Test
    void theDefaultRouteIsOldOnlyUntilTheSourceSaysOtherwise() {
        try (DualRepo dualRepo = DualRepo.builder().build()) {
            assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.OLD_ONLY.route());
        }
        try (DualRepo dualRepo = DualRepo.builder().defaultRoute(Stage.DUAL_WRITE).build()) {
            assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.DUAL_WRITE.route());
        }
    }

    @Test
    void boundariesAreWhereTheMessagesSay() {
        assertThatThrownBy(() -> DualRepo.builder().comparisonTimeout(Duration.ofMillis(-1)))
                .hasMessage("comparisonTimeout must be positive, was PT-0.001S");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(0, 10, Duration.ofSeconds(1)))
                .hasMessage("circuit failure rate must be in (0, 100], was 0.0");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(Float.NaN, 10, Duration.ofSeconds(1)))
                .hasMessage("circuit failure rate must be in (0, 100], was NaN");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(50, 0, Duration.ofSeconds(1)))
                .hasMessage("circuit window must be at least 1, was 0");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(50, 10, Duration.ZERO))
                .hasMessage("circuit openFor must be at least 1 ms, was PT0S");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(50, 10, Duration.ofNanos(999_999)))
                .hasMessage("circuit openFor must be at least 1 ms, was PT0.000999999S");
        assertThatThrownBy(() -> DualRepo.builder().circuitBreaker(50, 10, Duration.ofSeconds(-1)))
                .hasMessage("circuit openFor must be at least 1 ms, was PT-1S");
        assertThatThrownBy(() -> DualRepo.builder().comparisonQueue(-1))
                .hasMessage("comparisonQueue must be at least 0, was -1");
        assertThatThrownBy(() -> DualRepo.builder().maxDifferences(0))
                .hasMessage("maxDifferences must be at least 1, was 0");
        // The smallest values allowed are allowed.
        try (DualRepo dualRepo = DualRepo.builder().comparisonTimeout(Duration.ofNanos(1)).comparisonThreads(1)
                .comparisonQueue(0).maxDifferences(1).mismatchLogsPerMinute(0)
                .circuitBreaker(100, 1, Duration.ofMillis(1)).build()) {
            assertThat(dualRepo.circuitState("incidents")).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void everySettingChainsAndTheBuiltRuntimeUsesTheRouteSource() {
        io.dualrepo.routing.InMemoryRouteSource routes = io.dualrepo.routing.InMemoryRouteSource.create()
                .set("incidents", Stage.SHADOW);
        DualRepo.Builder builder = DualRepo.builder();
        DualRepo.Builder chained = builder
                .routeSource(routes)
                .defaultRoute(Stage.DUAL_WRITE)
                .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .comparisonMode(ComparisonMode.SYNC)
                .comparisonTimeout(Duration.ofSeconds(1))
                .comparisonThreads(1)
                .comparisonQueue(1)
                .maxDifferences(5)
                .mismatchLogsPerMinute(1)
                .circuitBreaker(25, 10, Duration.ofSeconds(1))
                .sensitiveFields("password")
                .secondaryWriteFailurePolicy(io.dualrepo.write.SecondaryWriteFailurePolicy.FAIL_CALL)
                .failedWriteSink(failed -> { })
                .dualWriteScope(io.dualrepo.write.DualWriteScope.NONE)
                .onComparison(result -> { });
        assertThat(chained).isSameAs(builder);
        try (DualRepo dualRepo = chained.build()) {
            assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.SHADOW.route());
            assertThat(dualRepo.currentRoute("orders")).isEqualTo(Stage.DUAL_WRITE.route());
            assertThat(dualRepo.circuitState("orders")).isEqualTo(CircuitState.CLOSED);
        }
    }
}
