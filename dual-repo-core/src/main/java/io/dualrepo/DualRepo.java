package io.dualrepo;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.internal.RepositoryRuntimes;
import io.dualrepo.internal.SettingChecks;
import io.dualrepo.internal.Settings;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Transitions;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWriteSink;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime that generated decorators call: where routes come from, how shadow reads are run and compared,
 * what happens to a secondary write that fails, and where metrics and outcomes go. Build one per application and
 * pass it to every generated {@code Dual*} constructor; {@link #close()} it at shut-down to stop the comparison
 * threads.
 *
 * <pre>{@code
 * DualRepo dualRepo = DualRepo.builder()
 *         .routeSource(routes)
 *         .meterRegistry(registry)
 *         .build();
 * IncidentRepository incidents = new DualIncidentRepository(legacy, statusTable, dualRepo);
 * }</pre>
 */
public final class DualRepo implements AutoCloseable {

    public static final Route DEFAULT_ROUTE = Stage.OLD_ONLY.route();
    public static final ComparisonMode DEFAULT_COMPARISON_MODE = ComparisonMode.ASYNC;
    public static final Duration DEFAULT_COMPARISON_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_COMPARISON_THREADS = 2;
    public static final int DEFAULT_COMPARISON_QUEUE = 256;
    public static final int DEFAULT_MAX_DIFFERENCES = 20;
    public static final Duration DEFAULT_COMPARISON_BUDGET_WINDOW = Duration.ofSeconds(1);
    public static final int DEFAULT_MISMATCH_LOGS_PER_MINUTE = 10;
    public static final float DEFAULT_CIRCUIT_FAILURE_RATE = 50f;
    public static final int DEFAULT_CIRCUIT_WINDOW = 100;
    public static final Duration DEFAULT_CIRCUIT_OPEN_FOR = Duration.ofSeconds(30);
    public static final SecondaryWriteFailurePolicy DEFAULT_SECONDARY_WRITE_FAILURE_POLICY =
            SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE;

    private static final Logger log = LoggerFactory.getLogger(DualRepo.class);

    static {
        // Generated decorators reach the runtime through io.dualrepo.generated, which asks this lookup.
        RepositoryRuntimes.install(dualRepo -> dualRepo.runtime);
    }

    private final RepositoryRuntimes runtime;
    private final MigrationRecord migrationRecord;
    private final boolean enforceTransitions;

    private DualRepo(Builder builder) {
        // build() puts the in-memory record in when none was set.
        this.migrationRecord = Objects.requireNonNull(builder.migrationRecord, "migrationRecord");
        this.enforceTransitions = builder.enforceTransitions;
        if (!builder.enforceTransitions) {
            log.warn("transition rules are off: any valid route takes effect, whatever the migration record says;"
                    + " reads may come from a model that misses acknowledged writes");
        }
        this.runtime = new RepositoryRuntimes(builder.settings());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The route in force for a repository when called without a routing key: the route its source gives when the
     * rules allow it, else the last one taken (at start-up, the migration record's, else the default route).
     */
    public Route currentRoute(String repository) {
        return runtime.routes(repository).current(null);
    }

    /**
     * The {@code @DualModel} names that decorators were built for on this instance so far: what an operator page can
     * check a configured name against before reading its state (which would start a record for a misspelt one).
     */
    public Set<String> decoratedRepositories() {
        return runtime.decoratedRepositories();
    }

    /** The migration record this runtime checks routes against and writes route changes to. */
    public MigrationRecord migrationRecord() {
        return migrationRecord;
    }

    /** What the record holds for a repository now (read from it, not cached). */
    public MigrationState migrationState(String repository) {
        return migrationRecord.state(repository);
    }

    /**
     * Why {@code route} would be refused for a repository now, or empty when it would take effect: for an operator
     * page or a deploy script that wants to say so before setting it. The record may change before it is offered.
     */
    public Optional<String> transitionProblem(String repository, Route route) {
        return runtime.routes(repository).problemWith(route);
    }

    /** Why the route last offered for a repository was refused, while it is still the one offered; else empty. */
    public Optional<String> lastRefusal(String repository) {
        return runtime.routes(repository).lastRefusal();
    }

    /**
     * Declares {@code side} complete, on record ({@link MigrationRecord#force}), and makes this instance read the
     * record again so that a route waiting for it takes effect on the next call.
     */
    public MigrationState force(String repository, Side side, String reason, String by) {
        MigrationState state = migrationRecord.force(repository, side, reason, by);
        runtime.routes(repository).refresh();
        return state;
    }

    /**
     * Makes this instance read the record again for a repository: after a backfill or verification recorded its
     * result elsewhere, so that a route waiting for it is judged again on the next call.
     */
    public void refreshRecord(String repository) {
        runtime.routes(repository).refresh();
    }

    /**
     * The state of a repository's shadow-read circuit breaker: {@link CircuitState#OPEN} while comparisons are
     * skipped because the other model keeps failing.
     */
    public CircuitState circuitState(String repository) {
        return runtime.circuitState(repository);
    }

    /**
     * The shadow-read circuit breakers, one per repository ({@code dualrepo-<repository>}), for Resilience4j's
     * tooling (its Micrometer binder, Spring Boot's circuit-breaker endpoint) and for forcing one open or closed
     * by hand. Their states are published as {@code dualrepo.circuit.state} too.
     */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return runtime.circuitBreakerRegistry();
    }

    /**
     * The share of the reads a route samples that are compared now: 1 without a comparison budget ({@link
     * Builder#comparisonBudget}), which lowers it while comparisons slow the callers' reads past the budget.
     */
    public double comparisonShare() {
        return runtime.shadowReads().comparisonShare();
    }

    /** The settings this instance was built with, read back. */
    public DualRepoSettings settings() {
        return runtime.settings();
    }

    /**
     * Stops the comparison threads; comparisons still queued are skipped. Idempotent. Names given settings through
     * {@link Builder#repository} that no decorator was built for get a WARN line each: a misspelt name.
     */
    @Override
    public void close() {
        runtime.close();
    }

    /** Builds a {@link DualRepo}; every setting has a named default. */
    public static final class Builder {

        private RouteSource routeSource = InMemoryRouteSource.create();
        private Route defaultRoute = DEFAULT_ROUTE;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private @Nullable CircuitBreakerRegistry circuitBreakerRegistry;
        private ComparisonMode comparisonMode = DEFAULT_COMPARISON_MODE;
        private Duration comparisonTimeout = DEFAULT_COMPARISON_TIMEOUT;
        private int comparisonThreads = DEFAULT_COMPARISON_THREADS;
        private int comparisonQueue = DEFAULT_COMPARISON_QUEUE;
        private int maxDifferences = DEFAULT_MAX_DIFFERENCES;
        private double comparisonBudget;
        private Duration comparisonBudgetWindow = DEFAULT_COMPARISON_BUDGET_WINDOW;
        private int mismatchLogsPerMinute = DEFAULT_MISMATCH_LOGS_PER_MINUTE;
        private int writeFailureLogsPerMinute = DEFAULT_MISMATCH_LOGS_PER_MINUTE;
        private int hookErrorLogsPerMinute = DEFAULT_MISMATCH_LOGS_PER_MINUTE;
        private float circuitFailureRate = DEFAULT_CIRCUIT_FAILURE_RATE;
        private int circuitWindow = DEFAULT_CIRCUIT_WINDOW;
        private Duration circuitOpenFor = DEFAULT_CIRCUIT_OPEN_FOR;
        private final Set<String> sensitiveFields = new LinkedHashSet<>();
        private final Map<String, RepositorySettings.Builder> repositories = new LinkedHashMap<>();
        private SecondaryWriteFailurePolicy secondaryWriteFailurePolicy = DEFAULT_SECONDARY_WRITE_FAILURE_POLICY;
        private @Nullable FailedWriteSink failedWriteSink;
        private DualWriteScope dualWriteScope = DualWriteScope.NONE;
        private final List<ComparisonListener> listeners = new ArrayList<>();
        private @Nullable MigrationRecord migrationRecord;
        private boolean enforceTransitions = true;

        private Builder() {}

        /**
         * Where the migration record is kept: {@code dual-repo-hibernate}'s database record, shared by the fleet, in
         * production. Default: {@link MigrationRecord#inMemory()}, which only one process sees.
         */
        public Builder migrationRecord(MigrationRecord migrationRecord) {
            this.migrationRecord = Objects.requireNonNull(migrationRecord, "migrationRecord");
            return this;
        }

        /**
         * Whether routes must pass the record's transition rules ({@link Transitions}). Default true. Off, every
         * route valid on its own takes effect and the record only keeps the history: for unit tests that set stages
         * in any order, never for production data (a WARN says so at build).
         */
        public Builder enforceTransitions(boolean enforceTransitions) {
            this.enforceTransitions = enforceTransitions;
            return this;
        }

        /**
         * Where routes come from. Default: an empty {@link InMemoryRouteSource}, so every repository is at the
         * default route.
         */
        public Builder routeSource(RouteSource routeSource) {
            this.routeSource = Objects.requireNonNull(routeSource, "routeSource");
            return this;
        }

        /**
         * The route used until the source gives one, when the migration record holds none yet (a record that does
         * wins: an instance starting without its flags routes as the fleet last did). It must pass the transition
         * rules like any route. Default: {@link Stage#OLD_ONLY}.
         */
        public Builder defaultRoute(Route defaultRoute) {
            this.defaultRoute = Objects.requireNonNull(defaultRoute, "defaultRoute").requireValid();
            return this;
        }

        public Builder defaultRoute(Stage stage) {
            return defaultRoute(stage.route());
        }

        /** Where metrics go. Default: Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        public Builder comparisonMode(ComparisonMode comparisonMode) {
            this.comparisonMode = Objects.requireNonNull(comparisonMode, "comparisonMode");
            return this;
        }

        /** How long a shadow read may take before it counts as a timeout and is interrupted. Default 2 s. */
        public Builder comparisonTimeout(Duration comparisonTimeout) {
            this.comparisonTimeout = SettingChecks.positive(comparisonTimeout, "comparisonTimeout");
            return this;
        }

        /** Threads running shadow reads, shared by all repositories. Default 2. */
        public Builder comparisonThreads(int comparisonThreads) {
            this.comparisonThreads = atLeast(1, comparisonThreads, "comparisonThreads");
            return this;
        }

        /** Shadow reads that may wait for a thread; beyond it they are skipped (BULKHEAD_FULL). Default 256. */
        public Builder comparisonQueue(int comparisonQueue) {
            this.comparisonQueue = atLeast(0, comparisonQueue, "comparisonQueue");
            return this;
        }

        /** The most differences one comparison reports. Default 20. */
        public Builder maxDifferences(int maxDifferences) {
            this.maxDifferences = atLeast(1, maxDifferences, "maxDifferences");
            return this;
        }

        /**
         * Keeps comparisons from slowing the callers' own reads by more than {@code addedP99Share} of their p99
         * latency (0.1: within 1.1×). The runtime pauses comparisons for one window in ten and sets the p99 of the
         * timed primary reads of compared routes in that pause against their p99 in the windows just before and just
         * after it: over budget on both sides, it halves the share of the reads the route samples that are compared
         * (down to 1 %, and pauses again at once); within it on both sides, it adds a tenth (up to all of them); one
         * side each way, the load moved, and the share stays. Skipped reads, those of pauses too, are counted with
         * reason {@code budget}; the share is {@link DualRepo#comparisonShare()} and the gauge
         * {@code dualrepo.comparison.share}, and every change is logged. Applies to {@link ComparisonMode#ASYNC}
         * only: a synchronous comparison is the caller's own wait. Default 0: no budget, every sampled read is
         * compared.
         */
        public Builder comparisonBudget(double addedP99Share) {
            if (!(addedP99Share >= 0 && addedP99Share <= 10)) {
                throw new IllegalArgumentException(
                        "comparisonBudget must be in [0, 10] (0 for none), was " + addedP99Share);
            }
            this.comparisonBudget = addedP99Share;
            return this;
        }

        /**
         * The comparison budget's unit of time: the length of a pause and of each window beside it. A judgement waits
         * for 500 reads in each of the three, gathering them over up to three pauses. Default 1 s.
         */
        public Builder comparisonBudgetWindow(Duration window) {
            Objects.requireNonNull(window, "comparisonBudgetWindow");
            if (window.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("comparisonBudgetWindow must be at least 10 ms, was " + window);
            }
            this.comparisonBudgetWindow = window;
            return this;
        }

        /**
         * Mismatch log lines per repository method per minute; beyond it they are counted, and summarised once
         * the minute is over. Counts and listeners always see every mismatch. Default 10.
         */
        public Builder mismatchLogsPerMinute(int mismatchLogsPerMinute) {
            this.mismatchLogsPerMinute = atLeast(0, mismatchLogsPerMinute, "mismatchLogsPerMinute");
            return this;
        }

        /**
         * "Write reached one model but not the other" log lines per repository method per minute; beyond it they
         * are counted ({@code dualrepo.secondary.write.failures}) and handed to the sink all the same. Default 10.
         */
        public Builder writeFailureLogsPerMinute(int writeFailureLogsPerMinute) {
            this.writeFailureLogsPerMinute = atLeast(0, writeFailureLogsPerMinute, "writeFailureLogsPerMinute");
            return this;
        }

        /**
         * Log lines about comparison listeners and failed-write sinks that threw, per repository method per minute;
         * beyond it they are counted ({@code dualrepo.hook.errors}). Default 10.
         */
        public Builder hookErrorLogsPerMinute(int hookErrorLogsPerMinute) {
            this.hookErrorLogsPerMinute = atLeast(0, hookErrorLogsPerMinute, "hookErrorLogsPerMinute");
            return this;
        }

        /**
         * Every setting of {@code base} (another instance's {@link DualRepo#settings()}), to change some before
         * {@link #build()}: its route source, registry, scope, record, sink and listeners are shared, not copied.
         */
        public Builder from(DualRepoSettings base) {
            Objects.requireNonNull(base, "base");
            routeSource(base.routeSource());
            defaultRoute(base.defaultRoute());
            meterRegistry(base.meterRegistry());
            comparisonMode(base.comparisonMode());
            comparisonTimeout(base.comparisonTimeout());
            comparisonThreads(base.comparisonThreads());
            comparisonQueue(base.comparisonQueue());
            maxDifferences(base.maxDifferences());
            comparisonBudget(base.comparisonBudget());
            comparisonBudgetWindow(base.comparisonBudgetWindow());
            mismatchLogsPerMinute(base.mismatchLogsPerMinute());
            writeFailureLogsPerMinute(base.writeFailureLogsPerMinute());
            hookErrorLogsPerMinute(base.hookErrorLogsPerMinute());
            circuitBreaker(base.circuitFailureRate(), base.circuitWindow(), base.circuitOpenFor());
            sensitiveFields.clear();
            sensitiveFields(base.sensitiveFields().toArray(String[]::new));
            secondaryWriteFailurePolicy(base.secondaryWriteFailurePolicy());
            this.failedWriteSink = base.failedWriteSink().orElse(null);
            dualWriteScope(base.dualWriteScope());
            listeners.clear();
            base.listeners().forEach(this::onComparison);
            migrationRecord(base.migrationRecord());
            enforceTransitions(base.enforceTransitions());
            this.circuitBreakerRegistry = base.circuitBreakerRegistry().orElse(null);
            repositories.clear();
            base.repositories().forEach(
                    (name, settings) -> repositories.put(name, RepositorySettings.Builder.of(settings)));
            return this;
        }

        /**
         * The secondary model's circuit breaker, per repository: open when at least {@code failureRatePercent} of
         * the last {@code window} shadow reads failed or timed out, for {@code openFor}. Defaults 50 %, 100, 30 s.
         */
        public Builder circuitBreaker(float failureRatePercent, int window, Duration openFor) {
            this.circuitFailureRate = SettingChecks.circuitFailureRate(failureRatePercent);
            this.circuitWindow = atLeast(1, window, "circuit window");
            this.circuitOpenFor = SettingChecks.circuitOpenFor(openFor);
            return this;
        }

        /** Field names masked in logs and listener payloads in every compared type, on top of {@link Sensitive}. */
        public Builder sensitiveFields(String... names) {
            for (String name : names) {
                sensitiveFields.add(Objects.requireNonNull(name, "sensitive field name"));
            }
            return this;
        }

        public Builder secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy policy) {
            this.secondaryWriteFailurePolicy = Objects.requireNonNull(policy, "secondaryWriteFailurePolicy");
            return this;
        }

        /**
         * What one repository (its {@code @DualModel} name) does apart from the settings above, which stay its
         * defaults: its comparison mode and timeout, the most differences reported, its circuit breaker, its
         * secondary-write failure policy, and sensitive fields added to the shared ones ({@link RepositorySettings}).
         * Called again for the same name, it changes the same settings further. A name no decorator is built for is
         * never looked at; {@link DualRepo#close()} logs a WARN for each such name.
         *
         * @throws IllegalArgumentException when the name is not a valid {@code @DualModel} name, or a value is
         *     refused (the message starts with the repository's name)
         */
        public Builder repository(String name, Consumer<RepositorySettings.Builder> settings) {
            SettingChecks.repositoryName(name);
            Objects.requireNonNull(settings, "settings");
            RepositorySettings.Builder repository =
                    repositories.computeIfAbsent(name, unused -> new RepositorySettings.Builder());
            try {
                settings.accept(repository);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("repository '" + name + "': " + e.getMessage(), e);
            }
            return this;
        }

        /** Where failed secondary writes go. Default: an ERROR log line naming the repository and method. */
        public Builder failedWriteSink(FailedWriteSink failedWriteSink) {
            this.failedWriteSink = Objects.requireNonNull(failedWriteSink, "failedWriteSink");
            return this;
        }

        public Builder dualWriteScope(DualWriteScope dualWriteScope) {
            this.dualWriteScope = Objects.requireNonNull(dualWriteScope, "dualWriteScope");
            return this;
        }

        /**
         * Makes the shadow-read circuit breakers ({@code dualrepo-<repository>}) in the application's Resilience4j
         * registry, so that its tooling lists them (Resilience4j's Spring Boot endpoint, its Micrometer binder).
         * Each breaker is made with dual-repo's configuration ({@link #circuitBreaker}, or the repository's own),
         * not the registry's default; a breaker of that name already in the registry is used as it is. Default: a
         * registry of the runtime's own, {@link DualRepo#circuitBreakerRegistry()}.
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry circuitBreakerRegistry) {
            this.circuitBreakerRegistry = Objects.requireNonNull(circuitBreakerRegistry, "circuitBreakerRegistry");
            return this;
        }

        /** Adds a listener for every comparison outcome (except calls not sampled). */
        public Builder onComparison(ComparisonListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public DualRepo build() {
            if (migrationRecord == null) {
                migrationRecord = MigrationRecord.inMemory();
            }
            return new DualRepo(this);
        }

        private static int atLeast(int minimum, int value, String name) {
            return SettingChecks.atLeast(minimum, value, name);
        }

        private Settings settings() {
            Builder taken = this;
            // Read by name, each from the field of that name: nothing positional to swap.
            return new Settings(new DualRepoSettings() {
                @Override public RouteSource routeSource() { return taken.routeSource; }
                @Override public Route defaultRoute() { return taken.defaultRoute; }
                @Override public MeterRegistry meterRegistry() { return taken.meterRegistry; }
                @Override public Optional<CircuitBreakerRegistry> circuitBreakerRegistry() {
                    return Optional.ofNullable(taken.circuitBreakerRegistry);
                }
                @Override public ComparisonMode comparisonMode() { return taken.comparisonMode; }
                @Override public Duration comparisonTimeout() { return taken.comparisonTimeout; }
                @Override public int comparisonThreads() { return taken.comparisonThreads; }
                @Override public int comparisonQueue() { return taken.comparisonQueue; }
                @Override public int maxDifferences() { return taken.maxDifferences; }
                @Override public double comparisonBudget() { return taken.comparisonBudget; }
                @Override public Duration comparisonBudgetWindow() { return taken.comparisonBudgetWindow; }
                @Override public int mismatchLogsPerMinute() { return taken.mismatchLogsPerMinute; }
                @Override public int writeFailureLogsPerMinute() { return taken.writeFailureLogsPerMinute; }
                @Override public int hookErrorLogsPerMinute() { return taken.hookErrorLogsPerMinute; }
                @Override public float circuitFailureRate() { return taken.circuitFailureRate; }
                @Override public int circuitWindow() { return taken.circuitWindow; }
                @Override public Duration circuitOpenFor() { return taken.circuitOpenFor; }
                @Override public Set<String> sensitiveFields() { return taken.sensitiveFields; }
                @Override public SecondaryWriteFailurePolicy secondaryWriteFailurePolicy() {
                    return taken.secondaryWriteFailurePolicy;
                }
                @Override public Optional<FailedWriteSink> failedWriteSink() {
                    return Optional.ofNullable(taken.failedWriteSink);
                }
                @Override public DualWriteScope dualWriteScope() { return taken.dualWriteScope; }
                @Override public List<ComparisonListener> listeners() { return taken.listeners; }
                @Override public MigrationRecord migrationRecord() {
                    return Objects.requireNonNull(taken.migrationRecord, "migrationRecord");
                }
                @Override public boolean enforceTransitions() { return taken.enforceTransitions; }
                @Override public Map<String, RepositorySettings> repositories() {
                    Map<String, RepositorySettings> built = new LinkedHashMap<>();
                    taken.repositories.forEach((name, repository) -> built.put(name, repository.build()));
                    return Collections.unmodifiableMap(built);
                }
            });
        }
    }
}
