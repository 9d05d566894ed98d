package io.dualrepo;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWriteSink;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link DualRepo}'s settings, read back ({@link DualRepo#settings()}): for an operator page, a start-up log line,
 * or a second instance built like the first ({@code DualRepo.builder().from(settings)}). Each is what the builder
 * setting of the same name took, or its default; see {@link DualRepo.Builder} for what each means.
 */
public interface DualRepoSettings {

    RouteSource routeSource();

    Route defaultRoute();

    MeterRegistry meterRegistry();

    ComparisonMode comparisonMode();

    Duration comparisonTimeout();

    int comparisonThreads();

    int comparisonQueue();

    int maxDifferences();

    /**
     * The share comparisons may add to the callers' own p99 read latency (0.1: within 1.1×); 0 when no budget is
     * kept and every read a route samples is compared.
     */
    default double comparisonBudget() {
        return 0;
    }

    /** The comparison budget's window: the length of a pause of comparisons and of each window beside it. */
    default Duration comparisonBudgetWindow() {
        return DualRepo.DEFAULT_COMPARISON_BUDGET_WINDOW;
    }

    /** Mismatch log lines per repository method per minute. */
    int mismatchLogsPerMinute();

    /** "Write reached one model but not the other" log lines per repository method per minute. */
    int writeFailureLogsPerMinute();

    /** Log lines about listeners and sinks that threw, per repository method per minute. */
    int hookErrorLogsPerMinute();

    /** The shadow-read circuit breaker's failure rate threshold, in percent. */
    float circuitFailureRate();

    int circuitWindow();

    Duration circuitOpenFor();

    Set<String> sensitiveFields();

    SecondaryWriteFailurePolicy secondaryWriteFailurePolicy();

    /** Empty: failed secondary writes go to an ERROR log line. */
    Optional<FailedWriteSink> failedWriteSink();

    DualWriteScope dualWriteScope();

    List<ComparisonListener> listeners();

    MigrationRecord migrationRecord();

    boolean enforceTransitions();

    /**
     * What repositories set apart from the settings above ({@link DualRepo.Builder#repository}), by {@code
     * @DualModel} name, in the order first given. Empty when every repository runs with the settings above.
     */
    default Map<String, RepositorySettings> repositories() {
        return Map.of();
    }

    /**
     * The application's Resilience4j registry the shadow-read circuit breakers are made in ({@link
     * DualRepo.Builder#circuitBreakerRegistry}); empty when the runtime keeps a registry of its own.
     */
    default Optional<CircuitBreakerRegistry> circuitBreakerRegistry() {
        return Optional.empty();
    }
}
