package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.RepositorySettings;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The settings one repository runs with: its {@link RepositorySettings} over the defaults. Made once per repository
 * when the runtime is built, and taken by each method's {@link MethodRuntime} when its decorator is built, so that a
 * call reads them from fields it already holds and never looks a name up.
 */
final class RepositoryConfig {

    private final ComparisonMode comparisonMode;
    private final TimeLimiter timeLimiter;
    private final int maxDifferences;
    private final Set<String> sensitiveFields;
    private final SecondaryWriteFailurePolicy secondaryWriteFailurePolicy;
    private final CircuitBreakerConfig circuitBreakerConfig;

    private RepositoryConfig(ComparisonMode comparisonMode, Duration comparisonTimeout, int maxDifferences,
            Set<String> sensitiveFields, SecondaryWriteFailurePolicy secondaryWriteFailurePolicy,
            CircuitBreakerConfig circuitBreakerConfig) {
        this.comparisonMode = comparisonMode;
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(comparisonTimeout)
                .cancelRunningFuture(true)
                .build());
        this.maxDifferences = maxDifferences;
        this.sensitiveFields = Set.copyOf(sensitiveFields);
        this.secondaryWriteFailurePolicy = secondaryWriteFailurePolicy;
        this.circuitBreakerConfig = circuitBreakerConfig;
    }

    /** What a repository without settings of its own runs with. */
    static RepositoryConfig defaults(Settings settings) {
        return new RepositoryConfig(settings.comparisonMode(), settings.comparisonTimeout(), settings.maxDifferences(),
                settings.sensitiveFields(), settings.secondaryWriteFailurePolicy(), circuitBreakerConfig(
                        settings.circuitFailureRate(), settings.circuitWindow(), settings.circuitOpenFor()));
    }

    /** {@code own} over {@code defaults}; sensitive fields are the union of both (see {@link RepositorySettings}). */
    static RepositoryConfig of(Settings defaults, RepositorySettings own, CircuitBreakerConfig defaultBreaker) {
        Set<String> sensitive = new LinkedHashSet<>(defaults.sensitiveFields());
        sensitive.addAll(own.sensitiveFields());
        // The builder sets the three together, so one present means all are.
        CircuitBreakerConfig breaker = own.circuitFailureRate().isPresent()
                ? circuitBreakerConfig(own.circuitFailureRate().get(), own.circuitWindow().getAsInt(),
                        own.circuitOpenFor().orElseThrow())
                : defaultBreaker;
        return new RepositoryConfig(
                own.comparisonMode().orElse(defaults.comparisonMode()),
                own.comparisonTimeout().orElse(defaults.comparisonTimeout()),
                own.maxDifferences().orElse(defaults.maxDifferences()),
                sensitive,
                own.secondaryWriteFailurePolicy().orElse(defaults.secondaryWriteFailurePolicy()),
                breaker);
    }

    static CircuitBreakerConfig circuitBreakerConfig(float failureRate, int window, Duration openFor) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(Math.min(window, 20))
                .failureRateThreshold(failureRate)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(Math.min(window, 5))
                .writableStackTraceEnabled(false)
                .build();
    }

    ComparisonMode comparisonMode() {
        return comparisonMode;
    }

    /** Bounds this repository's shadow reads by its comparison timeout; stateless, so shared by its methods. */
    TimeLimiter timeLimiter() {
        return timeLimiter;
    }

    int maxDifferences() {
        return maxDifferences;
    }

    Set<String> sensitiveFields() {
        return sensitiveFields;
    }

    SecondaryWriteFailurePolicy secondaryWriteFailurePolicy() {
        return secondaryWriteFailurePolicy;
    }

    CircuitBreakerConfig circuitBreakerConfig() {
        return circuitBreakerConfig;
    }
}
