package io.dualrepo.flags.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.metrics.DualRepoMetrics;
import io.getunleash.DefaultUnleash;
import io.getunleash.UnleashException;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.FeatureSet;
import io.getunleash.event.ImpressionEvent;
import io.getunleash.event.ToggleEvaluated;
import io.getunleash.event.UnleashEvent;
import io.getunleash.event.UnleashReady;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.metric.ClientMetrics;
import io.getunleash.metric.ClientRegistration;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The application side of the suite: two in-memory account models behind the generated {@code
 * DualAccountRepository}, routed by an {@link UnleashRouteSource} on a real {@link DefaultUnleash} that polls the
 * server every second, with metrics in a real {@link SimpleMeterRegistry}.
 *
 * <p>One at a time: closing a {@code DefaultUnleash} shuts the SDK's process-wide scheduler down (SDK 12.2), which
 * stops the polling of every other instance still open.
 */
final class RoutedAccounts implements AutoCloseable {

    static final String REPOSITORY = "it-accounts";

    final List<InMemoryAccounts.Touch> touches = Collections.synchronizedList(new ArrayList<>());
    final InMemoryAccounts oldModel = new InMemoryAccounts(Side.OLD, touches);
    final InMemoryAccounts newModel = new InMemoryAccounts(Side.NEW, touches);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final UnleashRouteSource source;
    final DualRepo dualRepo;
    final AccountRepository accounts;
    /** Fetches the SDK reported as failed: the server unreachable or answering an error. */
    final AtomicInteger failedFetches = new AtomicInteger();

    RoutedAccounts(UnleashServer server, String flagPrefix, String name, Duration refreshInterval) {
        this(server.clientApi(), server.clientToken(), flagPrefix, name, refreshInterval, null);
    }

    /**
     * An instance whose routes must pass the rules of {@code record} (shared by "instances" of one test); {@code
     * clientApi} may name a server that does not answer, as after a restart during an outage.
     */
    RoutedAccounts(String clientApi, String clientToken, String flagPrefix, String name, Duration refreshInterval,
            MigrationRecord record) {
        Path backups = Path.of(System.getProperty("unleash.backupDir", System.getProperty("java.io.tmpdir")));
        try {
            Files.createDirectories(backups);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        source = UnleashRouteSource.builder()
                .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                        .appName("dual-repo-it")
                        .instanceId(flagPrefix + name)
                        .unleashAPI(clientApi)
                        .apiKey(clientToken)
                        .fetchTogglesInterval(1)
                        // Only this test's flags: the database keeps the flags of earlier runs.
                        .namePrefix(flagPrefix)
                        .backupFile(backups.resolve(flagPrefix + name + ".json").toString())
                        .subscriber(new Recording(subscriber))
                        .build()))
                .flagPrefix(flagPrefix)
                .meterRegistry(registry)
                .refreshInterval(refreshInterval)
                .build();
        DualRepo.Builder builder = DualRepo.builder()
                .routeSource(source)
                .meterRegistry(registry)
                .comparisonMode(ComparisonMode.SYNC);
        if (record == null) {
            // How flags map to routes, in whatever order a test turns them; the rules have tests of their own.
            builder.enforceTransitions(false);
        } else {
            builder.migrationRecord(record);
        }
        dualRepo = builder.build();
        accounts = new DualAccountRepository(oldModel, newModel, dualRepo);
    }

    RoutedAccounts(UnleashServer server, String flagPrefix, String name) {
        this(server, flagPrefix, name, UnleashRouteSource.DEFAULT_REFRESH_INTERVAL);
    }

    /** Waits for the SDK's first answer from the server: until then every call takes the default route. */
    RoutedAccounts awaitReady() {
        eventually("the route source has heard from " + REPOSITORY + "'s flag service", Duration.ofSeconds(20),
                source::isReady);
        return this;
    }

    /** Reads one account through the decorator and says which model answered; no other model may be read. */
    Side read(String id) {
        List<InMemoryAccounts.Touch> made = during(() -> accounts.findById(id));
        assertThat(made).as("models read by findById(%s)", id).hasSize(1);
        assertThat(made.get(0).method()).isEqualTo("findById");
        return made.get(0).side();
    }

    /** Saves one account through the decorator and says which models were written, in order. */
    List<Side> save(String id) {
        return during(() -> accounts.save(id, new Account(id, "owner of " + id))).stream()
                .map(InMemoryAccounts.Touch::side)
                .toList();
    }

    private List<InMemoryAccounts.Touch> during(Runnable call) {
        int before = touches.size();
        call.run();
        synchronized (touches) {
            return List.copyOf(touches.subList(before, touches.size()));
        }
    }

    /**
     * Reads {@code id} until {@code side} answers, failing after {@code timeout}; returns how long it took. Every
     * read before then must come from the other side: a route never flaps on its way.
     */
    Duration awaitReads(String id, Side side, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            Side served = read(id);
            if (served == side) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reads of " + id + " did not move to " + side + " within " + timeout);
            }
            pause(Duration.ofMillis(50));
        }
    }

    /** A counter of this repository (tag {@code repository=it-accounts}) from the registry; 0 when not registered. */
    double counter(String name) {
        Counter counter = registry.find(name).tag(DualRepoMetrics.TAG_REPOSITORY, REPOSITORY).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Successful calls of a method on one side, from the runtime's call counters. */
    long calls(String method, Side side) {
        FunctionCounter calls = registry.find(DualRepoMetrics.CALLS)
                .tags(DualRepoMetrics.TAG_REPOSITORY, REPOSITORY, DualRepoMetrics.TAG_METHOD, method,
                        DualRepoMetrics.TAG_SIDE, side.tag(), DualRepoMetrics.TAG_OUTCOME,
                        DualRepoMetrics.OUTCOME_SUCCESS)
                .functionCounter();
        return calls == null ? 0 : (long) calls.count();
    }

    static void eventually(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("did not happen within " + timeout + ": " + what);
            }
            pause(Duration.ofMillis(50));
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            dualRepo.close();
        } finally {
            source.close();
        }
    }

    /** Passes every SDK event to the route source's subscriber, counting the failed fetches on the way. */
    private final class Recording implements UnleashSubscriber {

        private final UnleashSubscriber delegate;

        Recording(UnleashSubscriber delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onError(UnleashException error) {
            failedFetches.incrementAndGet();
            delegate.onError(error);
        }

        @Override
        public void togglesFetched(ClientFeaturesResponse response) {
            if (response.getStatus() == ClientFeaturesResponse.Status.UNAVAILABLE) {
                failedFetches.incrementAndGet();
            }
            delegate.togglesFetched(response);
        }

        @Override
        public void on(UnleashEvent event) {
            delegate.on(event);
        }

        @Override
        public void onReady(UnleashReady ready) {
            delegate.onReady(ready);
        }

        @Override
        public void toggleEvaluated(ToggleEvaluated evaluated) {
            delegate.toggleEvaluated(evaluated);
        }

        @Override
        public void clientMetrics(ClientMetrics metrics) {
            delegate.clientMetrics(metrics);
        }

        @Override
        public void clientRegistered(ClientRegistration registration) {
            delegate.clientRegistered(registration);
        }

        @Override
        public void featuresBootstrapped(FeatureSet features) {
            delegate.featuresBootstrapped(features);
        }

        @Override
        public void featuresBackedUp(FeatureSet features) {
            delegate.featuresBackedUp(features);
        }

        @Override
        public void featuresBackupRestored(FeatureSet features) {
            delegate.featuresBackupRestored(features);
        }

        @Override
        public void impression(ImpressionEvent impression) {
            delegate.impression(impression);
        }
    }
}
