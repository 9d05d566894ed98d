package io.dualrepo.internal;

import io.dualrepo.CircuitState;
import io.dualrepo.DualRepo;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one {@link io.dualrepo.DualRepo} shares between its decorators: settings, each repository's own
 * settings over them, one route guard and one circuit breaker per repository name, the shadow-read pool, the
 * reporter. Reached from a {@code DualRepo} through {@link #of(DualRepo)}, so that {@code DualRepo} need not hand out
 * this internal type on its public surface.
 */
public final class RepositoryRuntimes {

    // Set once, by DualRepo's static initialiser: it runs before any DualRepo exists, so before any call of of().
    private static volatile @Nullable Function<DualRepo, RepositoryRuntimes> lookup;

    private static final Logger log = LoggerFactory.getLogger(DualRepo.class);

    private final Settings settings;
    private final RepositoryConfig defaults;
    // Only names given settings of their own; read when a decorator or a breaker is made, never per call.
    private final Map<String, RepositoryConfig> ownConfigs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Reporter reporter;
    private final ShadowReads shadowReads;
    private final ConcurrentMap<String, RouteGuard> routeGuards = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CircuitBreaker> circuitBreakers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, WritesInFlight> writesInFlight = new ConcurrentHashMap<>();
    private final Set<String> decorated = ConcurrentHashMap.newKeySet();
    private final CircuitBreakerRegistry circuitBreakerRegistry;

    public RepositoryRuntimes(Settings settings) {
        this.settings = settings;
        this.reporter = new Reporter(settings);
        this.shadowReads = new ShadowReads(settings, reporter);
        this.defaults = RepositoryConfig.defaults(settings);
        Map<String, RepositoryConfig> own = new LinkedHashMap<>();
        settings.repositories().forEach((name, repository) ->
                own.put(name, RepositoryConfig.of(settings, repository, defaults.circuitBreakerConfig())));
        this.ownConfigs = Map.copyOf(own);
        this.circuitBreakerRegistry = settings.circuitBreakerRegistry()
                .orElseGet(() -> CircuitBreakerRegistry.of(defaults.circuitBreakerConfig()));
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
        // Installed when DualRepo is initialised, which any instance passed here has been.
        Function<DualRepo, RepositoryRuntimes> installed = Objects.requireNonNull(lookup, "lookup");
        return installed.apply(Objects.requireNonNull(dualRepo, "dualRepo"));
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

    /** The settings a repository runs with: its own over the defaults, or the defaults. */
    RepositoryConfig config(String repository) {
        return ownConfigs.getOrDefault(repository, defaults);
    }

    CircuitBreaker circuitBreaker(String repository) {
        return circuitBreakers.computeIfAbsent(repository, this::newCircuitBreaker);
    }

    private CircuitBreaker newCircuitBreaker(String repository) {
        // Always with dual-repo's configuration: the registry may be the application's, whose default is its own.
        CircuitBreaker breaker = circuitBreakerRegistry.circuitBreaker("dualrepo-" + repository,
                config(repository).circuitBreakerConfig());
        // One series per state, 1 for the state the breaker is in: as Resilience4j's own meters publish it.
        for (CircuitState state : CircuitState.values()) {
            Gauge.builder(CoreMeters.CIRCUIT_STATE.meterName(), breaker, b -> stateOf(b) == state ? 1 : 0)
                    .description(CoreMeters.CIRCUIT_STATE.description())
                    .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                    .tag(DualRepoMetrics.TAG_STATE, state.name().toLowerCase(Locale.ROOT))
                    .register(settings.meterRegistry());
        }
        return breaker;
    }

    /** The shadow-read circuit breakers, one per repository, named {@code dualrepo-<repository>}. */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return circuitBreakerRegistry;
    }

    /** The state of a repository's shadow-read circuit breaker. */
    public CircuitState circuitState(String repository) {
        return stateOf(circuitBreaker(repository));
    }

    /**
     * The breaker's state as dual-repo names it. The registry is public, so an operator may force a breaker: forced
     * open skips comparisons as open does; disabled and metrics-only let every comparison through, as closed does.
     */
    private static CircuitState stateOf(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> CircuitState.CLOSED;
        };
    }

    public Settings settings() {
        return settings;
    }

    Reporter reporter() {
        return reporter;
    }

    public ShadowReads shadowReads() {
        return shadowReads;
    }

    public void close() {
        shadowReads.close();
        if (closed.compareAndSet(false, true)) {
            warnOfUndecoratedRepositories();
        }
    }

    /**
     * A repository given settings of its own that no decorator was built for is most likely a misspelt name, whose
     * settings then silently never applied. Said at close, once every decorator has been built (they may be built
     * lazily, in any order), and not before: the runtime does not know the application's names up front.
     */
    private void warnOfUndecoratedRepositories() {
        for (String name : settings.repositories().keySet()) {
            if (!decorated.contains(name)) {
                log.warn("settings were given for repository '{}' but no decorator of that name was built on this"
                        + " DualRepo (built: {}): is the @DualModel name misspelt?", name,
                        decorated.isEmpty() ? "none" : String.join(", ", new TreeSet<>(decorated)));
            }
        }
    }
}
