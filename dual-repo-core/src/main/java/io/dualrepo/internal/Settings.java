package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWriteSink;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The validated settings of a {@link io.dualrepo.DualRepo}; see its builder for what each means. */
public record Settings(
        RouteSource routeSource,
        Route defaultRoute,
        MeterRegistry meterRegistry,
        ComparisonMode comparisonMode,
        Duration comparisonTimeout,
        int comparisonThreads,
        int comparisonQueue,
        int maxDifferences,
        int mismatchLogsPerMinute,
        float circuitFailureRate,
        int circuitWindow,
        Duration circuitOpenFor,
        Set<String> sensitiveFields,
        SecondaryWriteFailurePolicy secondaryWriteFailurePolicy,
        FailedWriteSink failedWriteSink,
        DualWriteScope dualWriteScope,
        List<ComparisonListener> listeners,
        MigrationRecord migrationRecord,
        boolean enforceTransitions) {}
