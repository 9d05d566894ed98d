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
}
