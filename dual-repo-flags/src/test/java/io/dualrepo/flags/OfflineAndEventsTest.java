package io.dualrepo.flags;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.getunleash.DefaultUnleash;
import io.getunleash.FakeUnleash;
import io.getunleash.event.ClientFeaturesResponse;
import io.getunleash.event.UnleashSubscriber;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A real DefaultUnleash: offline from a bootstrap file, unreachable at start-up, and the SDK's change events. */
class OfflineAndEventsTest {

    private static final FlagNames FLAGS = FlagNames.of("accounts");

    @TempDir
    Path folder;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private UnleashRouteSource offline(Payloads payload) throws Exception {
        Path file = folder.resolve("unleash-bootstrap.json");
        Files.writeString(file, payload.json());
        return UnleashRouteSource.offline(file, UnleashRouteSource.builder().meterRegistry(registry));
    }

    @Test
    void offlineFlagsRouteAndTheCompareRolloutIsTheSampleRatio() throws Exception {
        UnleashRouteSource source = offline(Payloads.features()
                .on(FLAGS.readNew()).on(FLAGS.writeOld()).on(FLAGS.writeNew()).rollout(FLAGS.compare(), 25));
        try (Accounts accounts = new Accounts(source, registry)) {
            assertThat(source.isReady()).isTrue();
            assertThat(accounts.dualRepo.currentRoute("accounts"))
                    .isEqualTo(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.sampled(0.25)));
            assertThat(accounts.writeSides("t-1")).containsExactly(NEW, OLD);
        } finally {
            source.close();
        }
    }

    @Test
    void aFiftyPercentRolloutSplitsTenantsAndEachTenantAlwaysTakesTheSameRoute() throws Exception {
        UnleashRouteSource source = offline(Payloads.features()
                .rollout(FLAGS.readNew(), 50).on(FLAGS.writeNew()));
        try (Accounts accounts = new Accounts(source, registry)) {
            Map<String, Side> first = new HashMap<>();
            for (int t = 0; t < 1_000; t++) {
                first.put("tenant-" + t, accounts.readSide("tenant-" + t));
            }
            long onNew = first.values().stream().filter(side -> side == NEW).count();
            // Unleash hashes each userId into 100 buckets: 1,000 tenants land near 500, never near the ends.
            assertThat(onNew).isBetween(400L, 600L);
            source.refresh();
            for (int t = 0; t < 1_000; t++) {
                assertThat(accounts.readSide("tenant-" + t)).isEqualTo(first.get("tenant-" + t));
            }
        } finally {
            source.close();
        }
    }

    @Test
    void aBootstrapFileThatIsNotAPayloadIsRefusedWithItsName() throws Exception {
        Path file = folder.resolve("broken.json");
        Files.writeString(file, "{\"toggles\": []}");

        assertThatThrownBy(() -> UnleashRouteSource.offline(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no \"features\" array");
    }

    @Test
    void anUnreachableFlagServiceAtStartUpMeansTheDefaultRouteAndAWarning() throws Exception {
        ListAppender<ILoggingEvent> logs = capture();
        UnleashRouteSource source = UnleashRouteSource.builder()
                .meterRegistry(registry)
                .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                        .appName("dual-repo-test")
                        // Nothing listens on the discard port: every fetch is refused.
                        .unleashAPI("http://127.0.0.1:9/api/")
                        .fetchTogglesInterval(1)
                        .disableMetrics()
                        .subscriber(subscriber)
                        .build()))
                .build();
        try (DualRepo dualRepo = DualRepo.builder().routeSource(source).meterRegistry(registry)
                .defaultRoute(Stage.DUAL_WRITE).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (snapshot(logs).stream().noneMatch(e -> e.getFormattedMessage().contains("flag service unreachable"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(source.isReady()).isFalse();
            assertThat(source.route("accounts", "t-1")).isEmpty();
            assertThat(dualRepo.currentRoute("accounts")).isEqualTo(Stage.DUAL_WRITE.route());
            assertThat(snapshot(logs)).filteredOn(e -> e.getFormattedMessage().contains("flag service unreachable"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
        } finally {
            source.close();
            release(logs);
        }
    }

    @Test
    void changedFlagsReportedByTheSdkAreLoggedAsRouteChangesAndCounted() {
        ListAppender<ILoggingEvent> logs = capture();
        AtomicReference<UnleashSubscriber> subscriber = new AtomicReference<>();
        FakeUnleash fake = new FakeUnleash();
        UnleashRouteSource source = UnleashRouteSource.builder()
                .meterRegistry(registry)
                .unleash(events -> {
                    subscriber.set(events);
                    return fake;
                })
                .build();
        try {
            assertThat(source.isReady()).isFalse();
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features().json()));
            assertThat(source.isReady()).isTrue();
            source.route("accounts", null);

            fake.enable(FLAGS.readNew(), FLAGS.writeNew());
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features()
                    .on(FLAGS.readNew()).on(FLAGS.writeNew()).json()));
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features()
                    .rollout(FLAGS.readNew(), 10).on(FLAGS.writeNew()).rollout(FLAGS.compare(), 5).json()));
            // Polls that bring nothing new are not changes.
            subscriber.get().togglesFetched(ClientFeaturesResponse.notChanged());
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features()
                    .stage(FLAGS.stage(), "SHADOW").json()));
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features()
                    .stage(FLAGS.stage(), "LIVE").json()));

            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.startsWith("accounts: "))
                    .containsExactly(
                            "accounts: read OLD -> NEW, write OLD -> BOTH",
                            "accounts: read NEW -> NEW for 10% of keys, compare off -> on(0.05)",
                            "accounts: read NEW for 10% of keys, write BOTH, compare on(0.05) -> stage SHADOW, compare as staged",
                            "accounts: stage SHADOW -> LIVE");
            assertThat(registry.get("dualrepo.route.changes").tag("repository", "accounts").counter().count())
                    .isEqualTo(4);
            // The SDK's change reached the cached decisions at once (the fake still says read-new).
            assertThat(source.route("accounts", null)).hasValueSatisfying(route ->
                    assertThat(route.read()).isEqualTo(ReadSource.NEW));
        } finally {
            source.close();
            release(logs);
        }
    }

    @Test
    void aDecisionMadeBeforeTheSdkTookAChangedPayloadIsSettledByTheNextFetch() {
        AtomicReference<UnleashSubscriber> subscriber = new AtomicReference<>();
        FakeUnleash fake = new FakeUnleash();
        UnleashRouteSource source = UnleashRouteSource.builder()
                .meterRegistry(registry)
                .unleash(events -> {
                    subscriber.set(events);
                    return fake;
                })
                .build();
        try {
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features().json()));
            // SDK 12 announces the fetch first and updates its engine afterwards: a call in between sees the old flags.
            subscriber.get().togglesFetched(ClientFeaturesResponse.updated(Payloads.features()
                    .on(FLAGS.readNew()).on(FLAGS.writeNew()).json()));
            assertThat(source.route("accounts", "t-1")).hasValueSatisfying(route ->
                    assertThat(route.read()).isEqualTo(ReadSource.OLD));
            fake.enable(FLAGS.readNew(), FLAGS.writeNew());

            subscriber.get().togglesFetched(ClientFeaturesResponse.notChanged());

            assertThat(source.route("accounts", "t-1")).hasValueSatisfying(route ->
                    assertThat(route.read()).isEqualTo(ReadSource.NEW));
        } finally {
            source.close();
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
        return logs;
    }

    private static void release(ListAppender<ILoggingEvent> logs) {
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }

    /** The SDK logs from its own threads while the test reads: ListAppender appends under its own lock. */
    private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }
}
