package io.dualrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.write.FailedWriteSink;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
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
    void settingsReadBackByNameAndABuilderStartsFromThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InMemoryRouteSource routes = InMemoryRouteSource.create();
        MigrationRecord record = MigrationRecord.inMemory();
        ComparisonListener listener = result -> { };
        FailedWriteSink sink = failed -> { };
        // Every number distinct, so that two settings read from each other's place fail the comparison.
        DualRepo.Builder builder = DualRepo.builder().routeSource(routes).defaultRoute(Stage.DUAL_WRITE)
                .meterRegistry(registry).comparisonMode(ComparisonMode.SYNC).comparisonTimeout(Duration.ofMillis(750))
                .comparisonThreads(3).comparisonQueue(5).maxDifferences(7).mismatchLogsPerMinute(11)
                .writeFailureLogsPerMinute(13).hookErrorLogsPerMinute(17)
                .comparisonBudget(0.31).comparisonBudgetWindow(Duration.ofMillis(37))
                .circuitBreaker(19f, 23, Duration.ofSeconds(29)).sensitiveFields("ssn", "iban")
                .secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy.FAIL_CALL).failedWriteSink(sink)
                .onComparison(listener).migrationRecord(record).enforceTransitions(false);
        try (DualRepo first = builder.build(); DualRepo second = DualRepo.builder().from(first.settings()).build()) {
            for (DualRepoSettings settings : List.of(first.settings(), second.settings())) {
                assertThat(settings.routeSource()).isSameAs(routes);
                assertThat(settings.defaultRoute()).isEqualTo(Stage.DUAL_WRITE.route());
                assertThat(settings.meterRegistry()).isSameAs(registry);
                assertThat(settings.comparisonMode()).isEqualTo(ComparisonMode.SYNC);
                assertThat(settings.comparisonTimeout()).isEqualTo(Duration.ofMillis(750));
                assertThat(settings.comparisonThreads()).isEqualTo(3);
                assertThat(settings.comparisonQueue()).isEqualTo(5);
                assertThat(settings.maxDifferences()).isEqualTo(7);
                assertThat(settings.mismatchLogsPerMinute()).isEqualTo(11);
                assertThat(settings.writeFailureLogsPerMinute()).isEqualTo(13);
                assertThat(settings.hookErrorLogsPerMinute()).isEqualTo(17);
                assertThat(settings.comparisonBudget()).isEqualTo(0.31);
                assertThat(settings.comparisonBudgetWindow()).isEqualTo(Duration.ofMillis(37));
                assertThat(settings.circuitFailureRate()).isEqualTo(19f);
                assertThat(settings.circuitWindow()).isEqualTo(23);
                assertThat(settings.circuitOpenFor()).isEqualTo(Duration.ofSeconds(29));
                assertThat(settings.sensitiveFields()).containsExactlyInAnyOrder("ssn", "iban");
                assertThat(settings.secondaryWriteFailurePolicy()).isEqualTo(SecondaryWriteFailurePolicy.FAIL_CALL);
                assertThat(settings.failedWriteSink()).containsSame(sink);
                assertThat(settings.listeners()).containsExactly(listener);
                assertThat(settings.migrationRecord()).isSameAs(record);
                assertThat(settings.enforceTransitions()).isFalse();
            }
        }
        try (DualRepo defaults = DualRepo.builder().build()) {
            assertThat(defaults.settings().failedWriteSink()).isEmpty();
            assertThat(defaults.settings().comparisonQueue()).isEqualTo(DualRepo.DEFAULT_COMPARISON_QUEUE);
            assertThat(defaults.settings().writeFailureLogsPerMinute())
                    .isEqualTo(DualRepo.DEFAULT_MISMATCH_LOGS_PER_MINUTE);
        }
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
        assertThatThrownBy(() -> DualRepo.builder().comparisonBudget(-0.1))
                .hasMessage("comparisonBudget must be in [0, 10] (0 for none), was -0.1");
        assertThatThrownBy(() -> DualRepo.builder().comparisonBudget(Double.NaN))
                .hasMessage("comparisonBudget must be in [0, 10] (0 for none), was NaN");
        assertThatThrownBy(() -> DualRepo.builder().comparisonBudgetWindow(Duration.ofMillis(9)))
                .hasMessage("comparisonBudgetWindow must be at least 10 ms, was PT0.009S");
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

    @Test
    void aRepositorysSettingsAreCheckedAsTheDefaultsAreAndNamedByTheRepository() {
        assertThatThrownBy(() -> DualRepo.builder().repository("orders", r -> r.comparisonTimeout(Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repository 'orders': comparisonTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> DualRepo.builder()
                .repository("orders", r -> r.circuitBreaker(50, 10, Duration.ofNanos(1))))
                .hasMessage("repository 'orders': circuit openFor must be at least 1 ms, was PT0.000000001S");
        assertThatThrownBy(() -> DualRepo.builder().repository("orders", r -> r.circuitBreaker(101, 10,
                Duration.ofSeconds(1)))).hasMessage("repository 'orders': circuit failure rate must be in (0, 100],"
                        + " was 101.0");
        assertThatThrownBy(() -> DualRepo.builder().repository("orders", r -> r.maxDifferences(0)))
                .hasMessage("repository 'orders': maxDifferences must be at least 1, was 0");
        assertThatThrownBy(() -> DualRepo.builder().repository("Orders", r -> { }))
                .hasMessage("repository name 'Orders' is not valid: use lower-case letters, digits, '-' and '_',"
                        + " starting with a letter");
    }

    @Test
    void aRepositorysSettingsReadBackAsGivenAndABuilderStartsFromThem() {
        DualRepo.Builder builder = DualRepo.builder().sensitiveFields("ssn")
                .repository("orders", r -> r.comparisonMode(ComparisonMode.STRICT).maxDifferences(3))
                .repository("members", r -> r.circuitBreaker(19f, 23, Duration.ofSeconds(29)))
                // A second call for the same name changes the same settings further.
                .repository("orders", r -> r.comparisonTimeout(Duration.ofMillis(750)).sensitiveFields("iban")
                        .secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy.FAIL_CALL));
        try (DualRepo first = builder.build(); DualRepo second = DualRepo.builder().from(first.settings()).build()) {
            for (DualRepoSettings settings : List.of(first.settings(), second.settings())) {
                assertThat(settings.repositories()).containsOnlyKeys("orders", "members");
                RepositorySettings orders = settings.repositories().get("orders");
                assertThat(orders.comparisonMode()).contains(ComparisonMode.STRICT);
                assertThat(orders.comparisonTimeout()).contains(Duration.ofMillis(750));
                assertThat(orders.maxDifferences()).hasValue(3);
                assertThat(orders.sensitiveFields()).containsExactly("iban");
                assertThat(orders.secondaryWriteFailurePolicy()).contains(SecondaryWriteFailurePolicy.FAIL_CALL);
                assertThat(orders.circuitFailureRate()).isEmpty();
                assertThat(orders.circuitWindow()).isEmpty();
                assertThat(orders.circuitOpenFor()).isEmpty();
                RepositorySettings members = settings.repositories().get("members");
                assertThat(members.circuitFailureRate()).contains(19f);
                assertThat(members.circuitWindow()).hasValue(23);
                assertThat(members.circuitOpenFor()).contains(Duration.ofSeconds(29));
                assertThat(members.comparisonMode()).isEmpty();
                assertThat(members.sensitiveFields()).isEmpty();
            }
        }
        try (DualRepo defaults = DualRepo.builder().build()) {
            assertThat(defaults.settings().repositories()).isEmpty();
        }
    }
}
