package io.dualrepo.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import io.dualrepo.openfeature.internal.OpenFeatureFlags;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spi.flags.FlagKeys;
import io.dualrepo.spi.flags.FlagRoutes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from feature flags read through an OpenFeature {@link Client}, whichever provider it is bound to. For
 * {@code @DualModel("incidents")} and the default prefix:
 *
 * <table>
 *   <caption>Flags of the "incidents" repository</caption>
 *   <tr><th>flag</th><th>OpenFeature type</th><th>meaning</th></tr>
 *   <tr><td>{@code dualrepo.incidents.stage}</td><td>string</td><td>a {@link io.dualrepo.routing.Stage} name
 *       ({@code OLD_ONLY} ... {@code NEW_ONLY}) sets the whole route; empty or missing leaves it to the
 *       switches</td></tr>
 *   <tr><td>{@code dualrepo.incidents.read-new}</td><td>boolean</td><td>reads come from NEW; default false</td></tr>
 *   <tr><td>{@code dualrepo.incidents.write-old}</td><td>boolean</td><td>writes reach OLD; default true</td></tr>
 *   <tr><td>{@code dualrepo.incidents.write-new}</td><td>boolean</td><td>writes reach NEW; default false</td></tr>
 *   <tr><td>{@code dualrepo.incidents.compare}</td><td>number (double)</td><td>the share of reads compared, from
 *       0 to 1</td></tr>
 * </table>
 *
 * <p>Each call's routing key is the evaluation context's targeting key, so a provider's fractional rollout or
 * targeting rule keeps the same keys on the same route. Decisions are cached per repository and key, and dropped
 * when the provider reports changed flags ({@code PROVIDER_CONFIGURATION_CHANGED}) or becomes ready again. Until
 * the provider is ready there is no route: the runtime uses the migration record's last route, else its default.
 * When the provider reports an error or stale flags, or an evaluation fails, each key keeps its last route; a
 * value that names no stage, has the wrong type, or makes a route the runtime refuses keeps the last valid route.
 */
public final class OpenFeatureRouteSource implements RouteSource, AutoCloseable {

    public static final String DEFAULT_PREFIX = "dualrepo.";
    public static final int DEFAULT_MAX_CACHED_KEYS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(OpenFeatureRouteSource.class);

    private final Client client;
    private final String prefix;
    private final MeterRegistry registry;
    private final int maxCachedKeys;
    private final Supplier<@Nullable String> contextKey;
    private final OpenFeatureFlags reader;
    private final ConcurrentMap<String, FlagRoutes<EvaluationContext>> repositories = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean warnedNotReady = new AtomicBoolean();
    private final AtomicBoolean troubled = new AtomicBoolean();
    // The SDK runs a READY handler once at registration, on its own thread, when the provider is already ready:
    // that run announces nothing new and must not drop the decisions made meanwhile.
    private final AtomicBoolean readyAtRegistration;
    private final Counter providerErrors;
    private final Counter providerStale;
    private final @Nullable ScheduledExecutorService refresher;
    private final Consumer<EventDetails> onReady = this::providerReady;
    private final Consumer<EventDetails> onChanged = this::configurationChanged;
    private final Consumer<EventDetails> onError = details -> providerTroubled("error", details);
    private final Consumer<EventDetails> onStale = details -> providerTroubled("stale", details);
    private volatile boolean ready;

    private OpenFeatureRouteSource(Builder builder) {
        this.client = Objects.requireNonNull(builder.client, "client"); // build() checked it
        this.prefix = builder.prefix;
        this.registry = builder.registry;
        this.maxCachedKeys = builder.maxCachedKeys;
        this.contextKey = builder.contextKey;
        this.reader = new OpenFeatureFlags(client);
        this.providerErrors = troubleCounter("error");
        this.providerStale = troubleCounter("stale");
        ProviderState state = client.getProviderState();
        // A stale provider has answered before: its flags are the last known, as a polling SDK's would be.
        this.ready = state == ProviderState.READY || state == ProviderState.STALE;
        this.readyAtRegistration = new AtomicBoolean(state == ProviderState.READY);
        client.onProviderReady(onReady);
        client.onProviderConfigurationChanged(onChanged);
        client.onProviderError(onError);
        client.onProviderStale(onStale);
        if (builder.refreshInterval != null) {
            refresher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "dualrepo-openfeature-refresh");
                thread.setDaemon(true);
                return thread;
            });
            long nanos = builder.refreshInterval.toNanos();
            refresher.scheduleAtFixedRate(this::refresh, nanos, nanos, TimeUnit.NANOSECONDS);
        } else {
            refresher = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "OpenFeature flags " + prefix + "*";
    }

    @Override
    public Optional<Route> route(String repository, @Nullable String routingKey) {
        if (!ready) {
            if (warnedNotReady.compareAndSet(false, true)) {
                log.warn("flag provider not ready (state {}): every repository keeps the migration record's last"
                        + " route, else the default route, until it is", client.getProviderState());
            }
            return Optional.empty();
        }
        String key = routingKey != null ? routingKey : contextKey.get();
        FlagRoutes<EvaluationContext> routes = repositories.get(repository);
        if (routes == null) {
            routes = repositories.computeIfAbsent(repository, this::newRepository);
        }
        return routes.route(key, generation.get());
    }

    private FlagRoutes<EvaluationContext> newRepository(String repository) {
        return new FlagRoutes<>(repository, FlagKeys.of(prefix, repository), reader, registry, maxCachedKeys, log);
    }

    /** Route changes are this source's to report: routes that differ by key are not changes. */
    @Override
    public boolean tracksChanges() {
        return true;
    }

    /** Whether the provider has been ready; before, every repository is at its record's last or default route. */
    public boolean isReady() {
        return ready;
    }

    /** Drops every cached decision now, so that the next call of each key evaluates the flags again. */
    public void refresh() {
        generation.incrementAndGet();
    }

    /** The client this source evaluates with. */
    public Client client() {
        return client;
    }

    /**
     * Stops listening to the client's events. The provider and the OpenFeature API are the application's: they
     * are not shut down.
     */
    @Override
    public void close() {
        client.removeHandler(ProviderEvent.PROVIDER_READY, onReady);
        client.removeHandler(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, onChanged);
        client.removeHandler(ProviderEvent.PROVIDER_ERROR, onError);
        client.removeHandler(ProviderEvent.PROVIDER_STALE, onStale);
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    private void providerReady(EventDetails details) {
        if (readyAtRegistration.compareAndSet(true, false)) {
            return;
        }
        if (!ready) {
            ready = true;
            if (warnedNotReady.get()) {
                log.info("flag provider ready: routes now come from OpenFeature flags");
            }
        }
        if (troubled.compareAndSet(true, false)) {
            log.info("flag provider ready again: flags are evaluated anew");
        }
        // Ready again after an error, the provider may hold other flags than those decided before.
        refresh();
    }

    private void configurationChanged(EventDetails details) {
        if (concernsThisSource(details.getFlagsChanged())) {
            refresh();
        }
    }

    // A provider that names the changed flags saves the other repositories' caches; one that does not, drops all.
    private boolean concernsThisSource(List<String> changed) {
        if (changed == null || changed.isEmpty()) {
            return true;
        }
        return changed.stream().anyMatch(flag -> flag != null && flag.startsWith(prefix));
    }

    private void providerTroubled(String kind, EventDetails details) {
        if (troubled.compareAndSet(false, true)) {
            log.warn("flag provider reports {} (state {}{}): {}", kind.equals("error") ? "an error" : "stale flags",
                    client.getProviderState(), details.getMessage() == null ? "" : ", " + details.getMessage(),
                    ready ? "each key keeps its last route until it is ready again"
                            : "every repository keeps its record's last or default route until it is ready");
        }
        // Counted after the line is logged: whoever sees the count sees the line.
        (kind.equals("error") ? providerErrors : providerStale).increment();
    }

    private Counter troubleCounter(String kind) {
        return Counter.builder(OpenFeatureMeters.PROVIDER_TROUBLES.meterName())
                .description(OpenFeatureMeters.PROVIDER_TROUBLES.description())
                .tag(OpenFeatureMetrics.TAG_KIND, kind)
                .register(registry);
    }

    /** Builds an {@link OpenFeatureRouteSource}; every setting has a named default. */
    public static final class Builder {

        private @Nullable Client client;
        private String prefix = DEFAULT_PREFIX;
        private MeterRegistry registry = Metrics.globalRegistry;
        private int maxCachedKeys = DEFAULT_MAX_CACHED_KEYS;
        private Supplier<@Nullable String> contextKey = () -> null;
        private @Nullable Duration refreshInterval;

        private Builder() {}

        /**
         * The client to evaluate with, e.g. {@code OpenFeatureAPI.getInstance().getClient()}: its domain's provider
         * serves the flags and its events drop cached decisions.
         */
        public Builder client(Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The prefix of every flag name. Default {@value #DEFAULT_PREFIX}. */
        public Builder flagPrefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Routing keys whose decisions are kept per repository. Size it above the number of keys active at once:
         * beyond it, keys are evaluated again and a call costs what the provider costs. Default 10,000.
         */
        public Builder maxCachedKeys(int maxCachedKeys) {
            if (maxCachedKeys < 1) {
                throw new IllegalArgumentException("maxCachedKeys must be at least 1, was " + maxCachedKeys);
            }
            this.maxCachedKeys = maxCachedKeys;
            return this;
        }

        /**
         * Where the routing key comes from for methods without a {@code @RoutingKey} parameter: the current
         * tenant of a request, say. Returning null means no key. Default: no key.
         */
        public Builder contextKey(Supplier<@Nullable String> contextKey) {
            this.contextKey = Objects.requireNonNull(contextKey, "contextKey");
            return this;
        }

        /**
         * Also drop every decision on this interval: for a provider that does not emit {@code
         * PROVIDER_CONFIGURATION_CHANGED} when its flags change. Default: none, changes follow the provider's events.
         */
        public Builder refreshInterval(Duration refreshInterval) {
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            if (refreshInterval.isNegative() || refreshInterval.isZero()) {
                throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
            }
            this.refreshInterval = refreshInterval;
            return this;
        }

        public OpenFeatureRouteSource build() {
            if (client == null) {
                throw new IllegalStateException("no OpenFeature client: call client(OpenFeatureAPI.getInstance()"
                        + ".getClient())");
            }
            return new OpenFeatureRouteSource(this);
        }
    }
}
