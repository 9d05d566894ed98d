package io.dualrepo.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Everything one {@link io.dualrepo.DualRepo} shares between its decorators: settings, one route guard and one
 * circuit breaker per repository name, the shadow-read pool, the reporter.
 */
public final class Runtime {

    private final Settings settings;
    private final Reporter reporter;
    private final ShadowReads shadowReads;
    private final ConcurrentMap<String, RouteGuard> routeGuards = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CircuitBreaker> circuitBreakers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, WritesInFlight> writesInFlight = new ConcurrentHashMap<>();
    private final CircuitBreakerConfig circuitBreakerConfig;

    public Runtime(Settings settings) {
        this.settings = settings;
        this.reporter = new Reporter(settings);
        this.shadowReads = new ShadowReads(settings, reporter);
        this.circuitBreakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.circuitWindow())
                .minimumNumberOfCalls(Math.min(settings.circuitWindow(), 20))
                .failureRateThreshold(settings.circuitFailureRate())
                .waitDurationInOpenState(settings.circuitOpenFor())
                .permittedNumberOfCallsInHalfOpenState(Math.min(settings.circuitWindow(), 5))
                .writableStackTraceEnabled(false)
                .build();
    }

    /** The route guard of one repository name, shared by every decorator of that name. */
    public RouteGuard routes(String repository) {
        return routeGuards.computeIfAbsent(repository, name -> new RouteGuard(name, settings, reporter));
    }

    /** The writes running on one repository name, shared by every decorator of that name. */
    WritesInFlight writesInFlight(String repository) {
        return writesInFlight.computeIfAbsent(repository, name -> new WritesInFlight());
    }

    CircuitBreaker circuitBreaker(String repository) {
        return circuitBreakers.computeIfAbsent(
                repository, name -> CircuitBreaker.of("dualrepo-" + name, circuitBreakerConfig));
    }

    /** The secondary model's circuit state for a repository: CLOSED, OPEN, HALF_OPEN... */
    public String circuitState(String repository) {
        return circuitBreaker(repository).getState().name();
    }

    Settings settings() {
        return settings;
    }

    Reporter reporter() {
        return reporter;
    }

    ShadowReads shadowReads() {
        return shadowReads;
    }

    public void close() {
        shadowReads.close();
    }
}
