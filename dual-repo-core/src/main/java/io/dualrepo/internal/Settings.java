package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepoSettings;
import io.dualrepo.RepositorySettings;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated settings of a {@link io.dualrepo.DualRepo}, copied by name from what its builder took (never by
 * position: four adjacent ints once could be swapped unnoticed); see the builder for what each means.
 */
public final class Settings implements DualRepoSettings {

    private final RouteSource routeSource;
    private final Route defaultRoute;
    private final MeterRegistry meterRegistry;
    private final ComparisonMode comparisonMode;
    private final Duration comparisonTimeout;
    private final int comparisonThreads;
    private final int comparisonQueue;
    private final int maxDifferences;
    private final double comparisonBudget;
    private final Duration comparisonBudgetWindow;
    private final int mismatchLogsPerMinute;
    private final int writeFailureLogsPerMinute;
    private final int hookErrorLogsPerMinute;
    private final float circuitFailureRate;
    private final int circuitWindow;
    private final Duration circuitOpenFor;
    private final Set<String> sensitiveFields;
    private final SecondaryWriteFailurePolicy secondaryWriteFailurePolicy;
    private final Optional<FailedWriteSink> failedWriteSink;
    private final DualWriteScope dualWriteScope;
    private final List<ComparisonListener> listeners;
    private final MigrationRecord migrationRecord;
    private final boolean enforceTransitions;
    private final Map<String, RepositorySettings> repositories;
    private final Optional<CircuitBreakerRegistry> circuitBreakerRegistry;

    public Settings(DualRepoSettings source) {
        this.routeSource = source.routeSource();
        this.defaultRoute = source.defaultRoute();
        this.meterRegistry = source.meterRegistry();
        this.comparisonMode = source.comparisonMode();
        this.comparisonTimeout = source.comparisonTimeout();
        this.comparisonThreads = source.comparisonThreads();
        this.comparisonQueue = source.comparisonQueue();
        this.maxDifferences = source.maxDifferences();
        this.comparisonBudget = source.comparisonBudget();
        this.comparisonBudgetWindow = source.comparisonBudgetWindow();
        this.mismatchLogsPerMinute = source.mismatchLogsPerMinute();
        this.writeFailureLogsPerMinute = source.writeFailureLogsPerMinute();
        this.hookErrorLogsPerMinute = source.hookErrorLogsPerMinute();
        this.circuitFailureRate = source.circuitFailureRate();
        this.circuitWindow = source.circuitWindow();
        this.circuitOpenFor = source.circuitOpenFor();
        this.sensitiveFields = Set.copyOf(source.sensitiveFields());
        this.secondaryWriteFailurePolicy = source.secondaryWriteFailurePolicy();
        this.failedWriteSink = source.failedWriteSink();
        this.dualWriteScope = source.dualWriteScope();
        this.listeners = List.copyOf(source.listeners());
        this.migrationRecord = source.migrationRecord();
        this.enforceTransitions = source.enforceTransitions();
        // Kept in the order given, for a settings page; RepositorySettings is immutable.
        this.repositories = Collections.unmodifiableMap(new LinkedHashMap<>(source.repositories()));
        this.circuitBreakerRegistry = source.circuitBreakerRegistry();
    }

    @Override
    public RouteSource routeSource() {
        return routeSource;
    }

    @Override
    public Route defaultRoute() {
        return defaultRoute;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public ComparisonMode comparisonMode() {
        return comparisonMode;
    }

    @Override
    public Duration comparisonTimeout() {
        return comparisonTimeout;
    }

    @Override
    public int comparisonThreads() {
        return comparisonThreads;
    }

    @Override
    public int comparisonQueue() {
        return comparisonQueue;
    }

    @Override
    public int maxDifferences() {
        return maxDifferences;
    }

    @Override
    public double comparisonBudget() {
        return comparisonBudget;
    }

    @Override
    public Duration comparisonBudgetWindow() {
        return comparisonBudgetWindow;
    }

    @Override
    public int mismatchLogsPerMinute() {
        return mismatchLogsPerMinute;
    }

    @Override
    public int writeFailureLogsPerMinute() {
        return writeFailureLogsPerMinute;
    }

    @Override
    public int hookErrorLogsPerMinute() {
        return hookErrorLogsPerMinute;
    }

    @Override
    public float circuitFailureRate() {
        return circuitFailureRate;
    }

    @Override
    public int circuitWindow() {
        return circuitWindow;
    }

    @Override
    public Duration circuitOpenFor() {
        return circuitOpenFor;
    }

    @Override
    public Set<String> sensitiveFields() {
        return sensitiveFields;
    }

    @Override
    public SecondaryWriteFailurePolicy secondaryWriteFailurePolicy() {
        return secondaryWriteFailurePolicy;
    }

    @Override
    public Optional<FailedWriteSink> failedWriteSink() {
        return failedWriteSink;
    }

    @Override
    public DualWriteScope dualWriteScope() {
        return dualWriteScope;
    }

    @Override
    public List<ComparisonListener> listeners() {
        return listeners;
    }

    @Override
    public MigrationRecord migrationRecord() {
        return migrationRecord;
    }

    @Override
    public boolean enforceTransitions() {
        return enforceTransitions;
    }

    @Override
    public Map<String, RepositorySettings> repositories() {
        return repositories;
    }

    @Override
    public Optional<CircuitBreakerRegistry> circuitBreakerRegistry() {
        return circuitBreakerRegistry;
    }
}
