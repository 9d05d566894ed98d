package io.dualrepo.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.flags.FlagMetrics;
import io.dualrepo.flags.FlagNames;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.getunleash.DefaultUnleash;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routes from a real Unleash SDK ({@code DefaultUnleash}) polling a flag service that this test controls: an HTTP
 * server serving the client features payload, which is down at start-up, then up, then down again mid-run, then
 * serving a stage variant that names no stage. Callers run throughout; the routes must be the ones docs/flags.md
 * promises, and no call may fail.
 */
@Timeout(180)
class FlagServiceScenariosTest {

    private static final FlagNames FLAGS = FlagNames.of("incidents");

    /** The flag service: nothing listens on its port until {@link #up}. */
    private static final class FlagService implements AutoCloseable {
        final int port;
        private HttpServer server;
        volatile String stageVariant = "SHADOW";

        FlagService() throws IOException {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
        }

        synchronized void up() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server.createContext("/api/client/features", exchange -> {
                byte[] body = ("{\"version\":2,\"features\":[{\"name\":\"" + FLAGS.stage() + "\",\"enabled\":true,"
                        + "\"strategies\":[{\"name\":\"default\"}],\"variants\":[{\"name\":\"" + stageVariant
                        + "\",\"weight\":1000,\"weightType\":\"variable\",\"stickiness\":\"default\"}]}]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            });
            server.start();
        }

        synchronized void down() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        @Override
        public void close() {
            down();
        }
    }

    @Test
    void routesFollowTheDocumentedRulesWhileTheFlagServiceMisbehaves() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long start = System.nanoTime();
        List<String> observed = new ArrayList<>();
        try (FlagService service = new FlagService(); Stores stores = new Stores(registry)) {
            UnleashRouteSource routes = UnleashRouteSource.builder()
                    .meterRegistry(registry)
                    .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                            .appName("dual-repo-reliability")
                            .unleashAPI("http://127.0.0.1:" + service.port + "/api/")
                            .fetchTogglesInterval(1)
                            .disableMetrics()
                            .subscriber(subscriber)
                            .build()))
                    .build();
            try (routes; DualRepo dualRepo = stores.dualRepo().routeSource(routes).build()) {
                Callers callers = new Callers(new DualIncidentRepository(stores.oldRepository(),
                        stores.newRepository(), dualRepo), Bounds.CALLERS, Bounds.KEYS_PER_CALLER);
                callers.start();
                try {
                    // 1. Unreachable at start-up: the runtime's default route.
                    LoadScenariosTest.sleep(Bounds.PHASE.toMillis());
                    assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.OLD_ONLY.route());
                    observed.add("down at start-up: OLD_ONLY (default)");

                    // 2. It answers: its stage flag takes effect.
                    service.up();
                    awaitRoute(dualRepo, Stage.SHADOW.route());
                    LoadScenariosTest.sleep(Bounds.PHASE.toMillis());
                    observed.add("up: SHADOW (its flag)");

                    // 3. Down mid-run: the SDK keeps the flags it fetched.
                    service.down();
                    LoadScenariosTest.sleep(Math.max(3_000, Bounds.PHASE.toMillis()));
                    assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.SHADOW.route());
                    observed.add("down mid-run: SHADOW kept");

                    // 4. Back, with a stage variant that names no stage: the last valid route stays, refused.
                    service.stageVariant = "SHADOW_PLUS";
                    service.up();
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (refused(registry) == 0 && System.nanoTime() < deadline) {
                        LoadScenariosTest.sleep(50);
                    }
                    LoadScenariosTest.sleep(Bounds.PHASE.toMillis());
                    assertThat(refused(registry)).as("routes refused for the unknown variant").isPositive();
                    assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.SHADOW.route());
                    observed.add("unknown variant: SHADOW kept, refused");

                    // 5. A known variant again: it takes effect. (Not one reading NEW: nothing backfilled NEW.)
                    service.stageVariant = "DUAL_WRITE";
                    awaitRoute(dualRepo, Stage.DUAL_WRITE.route());
                    LoadScenariosTest.sleep(Bounds.PHASE.toMillis());
                    observed.add("known variant again: DUAL_WRITE");
                } finally {
                    callers.stop();
                }
                assertThat(callers.failedCalls.get()).as("failed calls; first: %s", callers.failureSample).isZero();
                assertThat(callers.staleReads.get()).isZero();
                // OLD is written in every route here; NEW only since SHADOW, so OLD holds the record of every call.
                List<String> lost = callers.lost(stores, Side.OLD);
                assertThat(lost).as("acknowledged writes missing in OLD").isEmpty();
                Report.add(new Report.Row("flag service down at start-up and mid-run, unknown variant", String.format(Locale.ROOT,
                        "%d callers, %,d calls (%,d writes)", Bounds.CALLERS, callers.calls.get(),
                        callers.acknowledgedWrites.get()), "real Unleash SDK; its server down at start-up, up, down"
                        + " mid-run, then serving stage variant SHADOW_PLUS", (System.nanoTime() - start) / 1e9, "0",
                        lost.size(), callers.readLatencies().p99Millis(), callers.writeLatencies().p99Millis(),
                        "routes as docs/flags.md says: " + String.join("; ", observed)));
            }
        }
    }

    private static double refused(SimpleMeterRegistry registry) {
        return registry.find(FlagMetrics.REFUSED).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void awaitRoute(DualRepo dualRepo, Route route) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!dualRepo.currentRoute("incidents").equals(route) && System.nanoTime() < deadline) {
            LoadScenariosTest.sleep(50);
        }
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(route);
    }
}
