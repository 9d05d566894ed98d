package io.dualrepo.flags;

import io.dualrepo.flags.internal.FeaturePayload;
import io.dualrepo.flags.internal.FlagState;
import io.dualrepo.flags.internal.RepositoryRoutes;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.UnleashReady;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from Unleash flags, named by {@link FlagNames}. Evaluating a flag costs microseconds, more than many
 * database reads, so decisions are cached: one per repository and routing key (a bounded number of keys), dropped
 * when Unleash reports changed flags (or, for an Unleash instance whose events this source cannot see, every
 * {@link Builder#refreshInterval}). A flag change therefore reaches new calls within one polling interval of the
 * SDK.
 *
 * <p>Until the flag service has answered once (or a bootstrap was loaded), there is no route: the runtime uses
 * its default route ({@code OLD_ONLY} unless configured) and a WARN says why. If the SDK throws while a decision
 * is made, the key keeps its last route; flags that make a route the runtime would refuse, or a stage variant
 * that names no stage, keep the last valid route and are logged at ERROR with the flag and its value.
 */
public final class UnleashRouteSource implements RouteSource, AutoCloseable {

    public static final int DEFAULT_MAX_CACHED_KEYS = 10_000;
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(15);

    /** After a change event, when the SDK's engine has surely taken the new flags. */
    private static final long SETTLE_DELAY_MILLIS = 200;

    private static final Logger log = LoggerFactory.getLogger(UnleashRouteSource.class);

    private final Unleash unleash;
    private final String prefix;
    private final MeterRegistry registry;
    private final int maxCachedKeys;
    private final ScheduledExecutorService refresher;
    private final Supplier<@Nullable String> contextKey;
    private final ConcurrentMap<String, RepositoryRoutes> repositories = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean warnedUnreachable = new AtomicBoolean();
    private final AtomicBoolean unsettled = new AtomicBoolean();
    private volatile @Nullable Map<String, FlagState> payload;
    private volatile boolean ready;

    private UnleashRouteSource(Builder builder, @Nullable Events events) {
        this.prefix = builder.prefix;
        this.registry = builder.registry;
        this.maxCachedKeys = builder.maxCachedKeys;
        this.contextKey = builder.contextKey;
        if (builder.bootstrapPayload != null) {
            this.payload = FeaturePayload.parse(builder.bootstrapPayload);
        }
        // Before the SDK starts: its first events may arrive while the factory is still building it.
        this.refresher = daemonScheduler();
        if (events != null) {
            events.source = this;
            // build() makes events exactly when a factory was given, and an instance otherwise.
            Function<UnleashSubscriber, Unleash> factory = Objects.requireNonNull(builder.factory, "factory");
            this.unleash = Objects.requireNonNull(factory.apply(events), "the Unleash factory returned null");
            // A bootstrap or a first fetch may have completed inside the constructor, before events were seen.
            if (!ready && builder.bootstrapPayload != null) {
                markReady();
            }
        } else {
            this.unleash = Objects.requireNonNull(builder.unleash, "unleash");
            // Without events the SDK's state is unknown: trust it, and drop decisions on the interval.
            this.ready = true;
            long intervalNanos = builder.refreshInterval.toNanos();
            refresher.scheduleAtFixedRate(this::refresh, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The embedded default: flags from an Unleash bootstrap file (the {@code /api/client/features} payload),
     * no flag service, no polling, no metrics. Change the file and restart to change routes.
     */
    public static UnleashRouteSource offline(Path bootstrapFile) {
        return offline(bootstrapFile, builder());
    }

    /** As {@link #offline(Path)}, with the other settings from {@code builder}. */
    public static UnleashRouteSource offline(Path bootstrapFile, Builder builder) {
        return builder.offlineBootstrap(bootstrapFile).build();
    }

    @Override
    public String name() {
        return "Unleash flags " + prefix + "*";
    }

    @Override
    public Optional<Route> route(String repository, @Nullable String routingKey) {
        if (!ready) {
            return Optional.empty();
        }
        String key = routingKey != null ? routingKey : contextKey.get();
        RepositoryRoutes routes = repositories.get(repository);
        if (routes == null) {
            routes = repositories.computeIfAbsent(repository, this::newRepository);
        }
        return routes.route(key, generation.get());
    }

    private RepositoryRoutes newRepository(String repository) {
        return new RepositoryRoutes(repository, FlagNames.of(prefix, repository), unleash, registry,
                maxCachedKeys, () -> payload);
    }

    /** Route changes are this source's to report: routes that differ by key are not changes. */
    @Override
    public boolean tracksChanges() {
        return true;
    }

    /**
     * Whether the flag service has answered (or a bootstrap was loaded); before, every repository is at its
     * default.
     */
    public boolean isReady() {
        return ready;
    }

    /** Drops every cached decision now, so that the next call of each key evaluates the flags again. */
    public void refresh() {
        generation.incrementAndGet();
        repositories.values().forEach(RepositoryRoutes::announceChanges);
    }

    /** The SDK this source evaluates with. */
    public Unleash unleash() {
        return unleash;
    }

    /**
     * Shuts the Unleash instance down. With SDK 12 this also stops the SDK's shared scheduler unless the instance
     * was configured with a {@code scheduledExecutor} of its own (as {@link #offline} does): close only a source
     * whose Unleash instance is not shared, or not at all until the application stops.
     */
    @Override
    public void close() {
        refresher.shutdownNow();
        unleash.shutdown();
    }

    private void markReady() {
        if (!ready) {
            ready = true;
            generation.incrementAndGet();
            if (warnedUnreachable.get()) {
                log.info("flag service answered: routes now come from Unleash");
            }
        }
    }

    private static ScheduledExecutorService daemonScheduler() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualrepo-flags-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    private void settleAfterChange() {
        if (unsettled.compareAndSet(true, false)) {
            generation.incrementAndGet();
        }
    }

    private void payloadChanged(@Nullable String json) {
        unsettled.set(true);
        if (json != null) {
            try {
                payload = FeaturePayload.parse(json);
            } catch (IllegalArgumentException e) {
                log.warn("could not read the flag payload Unleash fetched; rollout percentages unknown", e);
            }
        }
        markReady();
        refresh();
        try {
            // Sooner than the next fetch; that one settles them all the same.
            refresher.schedule(generation::incrementAndGet, SETTLE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // Closed: nothing more to route.
        }
    }

    private void unreachable(@Nullable String why) {
        if (!ready && warnedUnreachable.compareAndSet(false, true)) {
            log.warn("flag service unreachable ({}): every repository keeps its default route until it answers", why);
        }
    }

    /** Receives the SDK's events. Must be the Unleash instance's subscriber for changes to apply at once. */
    static final class Events implements UnleashSubscriber {

        private volatile @Nullable UnleashRouteSource source;

        @Override
        public void togglesFetched(ClientFeaturesResponse response) {
            UnleashRouteSource current = source;
            if (current == null) {
                return;
            }
            // SDK 12 announces a fetch before its engine takes the new flags, so a decision made right after a
            // change may still see the old ones: the next fetch, whatever it brings, settles them.
            current.settleAfterChange();
            switch (response.getStatus()) {
                case CHANGED -> current.payloadChanged(response.getClientFeatures().orElse(null));
                case NOT_CHANGED -> current.markReady();
                case UNAVAILABLE -> current.unreachable("HTTP " + response.getHttpStatusCode());
            }
        }

        @Override
        public void featuresBootstrapped(FeatureSet features) {
            UnleashRouteSource current = source;
            if (current != null) {
                current.markReady();
            }
        }

        @Override
        public void onReady(UnleashReady ready) {
            UnleashRouteSource current = source;
            if (current != null) {
                current.markReady();
            }
        }

        @Override
        public void onError(UnleashException error) {
            UnleashRouteSource current = source;
            if (current != null) {
                current.unreachable(error.getMessage());
            }
        }
    }

    /** Builds an {@link UnleashRouteSource}; every setting has a named default. */
    public static final class Builder {

        private @Nullable Function<UnleashSubscriber, Unleash> factory;
        private @Nullable Unleash unleash;
        private String prefix = FlagNames.DEFAULT_PREFIX;
        private MeterRegistry registry = Metrics.globalRegistry;
        private int maxCachedKeys = DEFAULT_MAX_CACHED_KEYS;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Supplier<@Nullable String> contextKey = () -> null;
        private @Nullable String bootstrapPayload;

        private Builder() {}

        /**
         * How to create the Unleash instance, given the subscriber it must be configured with ({@code
         * UnleashConfig.builder()...subscriber(subscriber)}): flag changes then apply as soon as the SDK fetches
         * them, and an unreachable flag service is noticed.
         */
        public Builder unleash(Function<UnleashSubscriber, Unleash> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.unleash = null;
            this.bootstrapPayload = null;
            return this;
        }

        /**
         * Flags from an Unleash bootstrap file (the {@code /api/client/features} payload) instead of a flag service:
         * no polling, no metrics; change the file and restart to change routes. Read and checked now: a missing or
         * malformed file fails here, naming it.
         */
        public Builder offlineBootstrap(Path bootstrapFile) {
            Objects.requireNonNull(bootstrapFile, "bootstrapFile");
            String json;
            try {
                json = Files.readString(bootstrapFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Unleash bootstrap file " + bootstrapFile, e);
            }
            try {
                FeaturePayload.parse(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the Unleash bootstrap file " + bootstrapFile + " is "
                        + e.getMessage(), e);
            }
            unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                    .appName("dual-repo-offline")
                    // Never contacted: polling and metrics are off. The SDK requires an address all the same.
                    .unleashAPI("http://localhost:4242/api/")
                    .disablePolling()
                    .disableMetrics()
                    .toggleBootstrapProvider(() -> Optional.of(json))
                    // The SDK's shared scheduler would be shut down with this instance, stopping every other
                    // Unleash client of the application.
                    .scheduledExecutor(new UnleashScheduledExecutorImpl())
                    .subscriber(subscriber)
                    .build()));
            this.bootstrapPayload = json;
            return this;
        }

        /**
         * An Unleash instance created elsewhere (or a {@code FakeUnleash}). This source cannot see its events:
         * decisions are refreshed every {@link #refreshInterval} or on {@link UnleashRouteSource#refresh()}.
         */
        public Builder unleash(Unleash unleash) {
            this.unleash = Objects.requireNonNull(unleash, "unleash");
            this.factory = null;
            this.bootstrapPayload = null;
            return this;
        }

        /** The prefix of every flag name. Default {@value FlagNames#DEFAULT_PREFIX}. */
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
         * beyond it, keys are evaluated again and a call costs what the SDK costs. Default 10,000.
         */
        public Builder maxCachedKeys(int maxCachedKeys) {
            if (maxCachedKeys < 1) {
                throw new IllegalArgumentException("maxCachedKeys must be at least 1, was " + maxCachedKeys);
            }
            this.maxCachedKeys = maxCachedKeys;
            return this;
        }

        /**
         * For an Unleash instance passed with {@link #unleash(Unleash)}, whose change events this source cannot see:
         * how often every decision is dropped. Default 15 s. With the factory form, decisions change exactly when
         * Unleash reports changed flags.
         */
        public Builder refreshInterval(Duration refreshInterval) {
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            if (refreshInterval.isNegative() || refreshInterval.isZero()) {
                throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
            }
            this.refreshInterval = refreshInterval;
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

        public UnleashRouteSource build() {
            if (factory == null && unleash == null) {
                throw new IllegalStateException("no Unleash: call unleash(subscriber -> new DefaultUnleash(...)) or"
                        + " unleash(instance)");
            }
            return new UnleashRouteSource(this, factory != null ? new Events() : null);
        }
    }
}
