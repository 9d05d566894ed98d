package io.dualrepo.internal;

import io.dualrepo.CircuitState;
import io.dualrepo.DualRepo;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Everything one {@link io.dualrepo.DualRepo} shares between its decorators: settings, one route guard and one
 * circuit breaker per repository name, the shadow-read pool, the reporter. Reached from a {@code DualRepo} through
 * {@link #of(DualRepo)}, so that {@code DualRepo} need not hand out this internal type on its public surface.
 */
public final class RepositoryRuntimes {

    // Set once, by DualRepo's static initialiser: it runs before any DualRepo exists, so before any call of of().
    private static volatile Function<DualRepo, RepositoryRuntimes> lookup;

    private final Settings settings;
    private final Reporter reporter;
    private final ShadowReads shadowReads;
    private final ConcurrentMap<String, RouteGuard> routeGuards = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CircuitBreaker> circuitBreakers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, WritesInFlight> writesInFlight = new ConcurrentHashMap<>();
    private final Set<String> decorated = ConcurrentHashMap.newKeySet();
    private final CircuitBreakerConfig circuitBreakerConfig;

    public RepositoryRuntimes(Settings settings) {
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

    /**
     * Called once by {@link DualRepo}: how to find the instance a {@code DualRepo} holds (the JDK's "shared
     * secrets" idiom, which keeps an accessor for internals off the public class).
     */
    public static synchronized void install(Function<DualRepo, RepositoryRuntimes> accessor) {
        if (lookup != null) {
            throw new IllegalStateException("the DualRepo lookup is already installed");
        }
        lookup = Objects.requireNonNull(accessor, "accessor");
    }

    /** The instance {@code dualRepo} holds. */
    public static RepositoryRuntimes of(DualRepo dualRepo) {
        return lookup.apply(Objects.requireNonNull(dualRepo, "dualRepo"));
    }

    /** A decorator of {@code repository} was built on this runtime. */
    void decorated(String repository) {
        decorated.add(repository);
    }

    /** The repository names decorators were built for so far. */
    public Set<String> decoratedRepositories() {
        return Set.copyOf(decorated);
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

    /** The state of a repository's shadow-read circuit breaker. */
    public CircuitState circuitState(String repository) {
        CircuitBreaker.State state = circuitBreaker(repository).getState();
        return switch (state) {
            case CLOSED -> CircuitState.CLOSED;
            case OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            // Reached only through explicit transitions (disable, force open, metrics only), which nothing makes.
            default -> throw new IllegalStateException(repository + ": circuit breaker in state " + state
                    + ", which dual-repo never sets");
        };
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
