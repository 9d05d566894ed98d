package io.dualrepo.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.InMemoryRouteSource;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console served by its own server, over raw sockets: who may use it (token, Host, Origin), what it refuses
 * (bodies, heads, content types), that half-sent requests cannot stall it, that keep-alive answers do not wait for
 * the client's delayed ACK, and that a stage set through it goes through the runtime's transition rules.
 */
class ConsoleServerTest {

    private static final String TOKEN = "console-test-token-0123456789";
    private static final String REPOSITORY = "incidents";
    private static final String STATE = "/api/operator/state";
    private static final String STAGE = "/api/operator/stage";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final InMemoryRouteSource routes = InMemoryRouteSource.named("test routes");
    private DualRepo dualRepo;
    private ConsoleServer server;
    private String host;

    @BeforeEach
    void start() throws IOException {
        dualRepo = DualRepo.builder().routeSource(routes).migrationRecord(MigrationRecord.inMemory()).build();
        TestDecorators.decorate(dualRepo, REPOSITORY);
        OperatorConsole console = OperatorConsole.over(dualRepo)
                .repositories(REPOSITORY)
                .stageControl(routes, "test routes")
                .token(TOKEN)
                .requestTimeout(TIMEOUT)
                .maxRequestBytes(1024)
                .allowedOrigins("https://ops.example")
                .action("echo", request -> Map.of("said", request.requiredString("say")))
                .appState(() -> Map.of("answer", 42))
                .build();
        server = ConsoleServer.start(console, 0);
        host = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        dualRepo.close();
    }

    @Test
    void aShortTokenIsRefusedWhenTheConsoleIsBuilt() {
        assertThatThrownBy(() -> OperatorConsole.over(dualRepo).repositories(REPOSITORY).token("short").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 characters");
        assertThat(OperatorConsole.over(dualRepo).repositories(REPOSITORY).token("0123456789abcdef").build())
                .isNotNull();
    }

    @Test
    void theApiNeedsTheTokenAndThePageDoesNot() throws IOException {
        try (Wire wire = new Wire(server.port())) {
            Wire.Reply missing = wire.exchange("GET", STATE, headers(host, null, null), null);
            assertThat(missing.status()).as(missing.body()).isEqualTo(401);
            assertThat(missing.headers().get("www-authenticate")).startsWith("Bearer");
            assertThat(missing.body()).contains("needs the operator token").doesNotContain("incidents");
            assertThat(wire.exchange("GET", STATE, headers(host, null, TOKEN + "x"), null).status()).isEqualTo(401);
            assertThat(wire.exchange("GET", STATE, headers(host, null, TOKEN.substring(1)), null).status())
                    .isEqualTo(401);
            Wire.Reply stage = wire.exchange("POST", STAGE, headers(host, null, null), "{\"stage\": \"DUAL_WRITE\"}");
            assertThat(stage.status()).isEqualTo(401);
            assertThat(wire.exchange("POST", "/api/operator/echo", headers(host, null, null), "{\"say\": \"x\"}")
                    .status()).isEqualTo(401);
            assertThat(wire.exchange("GET", "/api/anything", headers(host, null, null), null).status())
                    .as("the API refuses to say what exists in it").isEqualTo(401);

            Wire.Reply page = wire.exchange("GET", "/", headers(host, null, null), null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.headers().get("content-type")).startsWith("text/html");
            assertThat(page.headers().get("content-security-policy")).contains("default-src 'self'");
            assertThat(wire.exchange("GET", "/console.js", headers(host, null, null), null).body())
                    .contains("api/operator/state");

            Wire.Reply state = wire.exchange("GET", STATE, headers(host, null, TOKEN), null);
            assertThat(state.status()).isEqualTo(200);
            assertThat(state.body()).contains("\"repositories\":[{\"name\":\"incidents\"", "\"stage\":\"OLD_ONLY\"",
                    "\"app\":{\"answer\":42}");
            Wire.Reply echo = wire.exchange("POST", "/api/operator/echo", headers(host, null, TOKEN),
                    "{\"say\": \"hello\"}");
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo("{\"said\":\"hello\"}");
        }
        assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(DualRepo.DEFAULT_ROUTE);
    }

    @Test
    void aForeignHostIsRefusedSoThatARebindingNameCannotReachTheConsole() throws IOException {
        int port = server.port();
        try (Wire wire = new Wire(port)) {
            for (String foreign : List.of("evil.example:" + port, "evil.example", "localhost.evil.example:" + port,
                    "127.0.0.1.evil.example:" + port, "127.0.0.1:x")) {
                Wire.Reply refused = wire.exchange("POST", STAGE, headers(foreign, "http://" + foreign, TOKEN),
                        "{\"stage\": \"DUAL_WRITE\"}");
                assertThat(refused.status()).as(foreign + ": " + refused.body()).isEqualTo(421);
                assertThat(wire.exchange("GET", "/", headers(foreign, null, null), null).status()).as(foreign)
                        .isEqualTo(421);
            }
            assertThat(wire.exchange("GET", STATE, headers(null, null, TOKEN), null).status()).as("no Host")
                    .isEqualTo(421);
            assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(DualRepo.DEFAULT_ROUTE);
            for (String own : List.of("localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port, "127.0.0.1")) {
                assertThat(wire.exchange("GET", STATE, headers(own, null, TOKEN), null).status()).as(own)
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void anotherSitesPageCannotChangeAnythingEvenWithTheToken() throws IOException {
        try (Wire wire = new Wire(server.port())) {
            for (String origin : List.of("http://evil.example", "http://127.0.0.1:" + (server.port() + 1),
                    "https://127.0.0.1:" + server.port(), "null", "http://localhost:" + server.port())) {
                Wire.Reply refused = wire.exchange("POST", STAGE, headers(host, origin, TOKEN),
                        "{\"stage\": \"DUAL_WRITE\"}");
                assertThat(refused.status()).as(origin + ": " + refused.body()).isEqualTo(403);
                assertThat(wire.exchange("POST", "/api/operator/echo", headers(host, origin, TOKEN),
                        "{\"say\": \"x\"}").status()).as(origin).isEqualTo(403);
            }
            assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(DualRepo.DEFAULT_ROUTE);
            // Reading is not changing: a foreign Origin on a GET still needs the token, and gets no CORS grant.
            Wire.Reply read = wire.exchange("GET", STATE, headers(host, "http://evil.example", TOKEN), null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.headers()).doesNotContainKey("access-control-allow-origin");

            Wire.Reply allowed = wire.exchange("POST", STAGE, headers(host, "https://ops.example", TOKEN),
                    "{\"stage\": \"DUAL_WRITE\"}");
            assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
            Wire.Reply own = wire.exchange("POST", STAGE, headers(host, "http://" + host, TOKEN),
                    "{\"stage\": \"SHADOW\"}");
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            assertThat(own.body()).contains("\"stage\":\"SHADOW\"");
        }
    }

    @Test
    void oversizeBodiesWrongContentTypesAndHugeHeadsAreRefused() throws IOException {
        try (Wire wire = new Wire(server.port())) {
            Wire.Reply big = wire.exchange("POST", STAGE, headers(host, null, TOKEN),
                    "{\"stage\": \"DUAL_WRITE\", \"pad\": \"" + "x".repeat(2000) + "\"}");
            assertThat(big.status()).as(big.body()).isEqualTo(413);
            assertThat(big.body()).contains("over 1024 bytes");
        }
        try (Wire wire = new Wire(server.port())) {
            Map<String, String> plain = headers(host, null, TOKEN);
            plain.put("Content-Type", "text/plain");
            Wire.Reply text = wire.exchange("POST", STAGE, plain, "{\"stage\": \"DUAL_WRITE\"}");
            assertThat(text.status()).as(text.body()).isEqualTo(415);
            assertThat(wire.exchange("POST", STAGE, headers(host, null, TOKEN), "[1]").status()).isEqualTo(400);
            assertThat(wire.exchange("POST", STAGE, headers(host, null, TOKEN), "{\"stage\": ").status())
                    .isEqualTo(400);
            assertThat(wire.exchange("PUT", STAGE, headers(host, null, TOKEN), "{}").status()).isEqualTo(405);
            Map<String, String> huge = headers(host, null, TOKEN);
            huge.put("X-Padding", "y".repeat(20_000));
            Wire.Reply head = wire.exchange("GET", STATE, huge, null);
            assertThat(head.status()).as(head.body()).isEqualTo(431);
        }
        assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(DualRepo.DEFAULT_ROUTE);
    }

    @Test
    void halfSentRequestsCannotStallTheConsole() throws Exception {
        List<Wire> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                Wire wire = new Wire(server.port());
                stalled.add(wire);
                // Half the connections stop in the headers, half in the body.
                wire.writeRaw(i % 2 == 0 ? "GET " + STATE + " HTTP/1.1\r\nHost: " + host + "\r\n"
                        : "POST " + STAGE + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + TOKEN
                                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"st");
            }
            long started = System.nanoTime();
            try (Wire wire = new Wire(server.port())) {
                Wire.Reply served = wire.exchange("GET", STATE, headers(host, null, TOKEN), null);
                assertThat(served.status()).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered beside the stalled ones")
                    .isLessThan(TIMEOUT);
            for (Wire wire : stalled) {
                wire.socket().setSoTimeout((int) TIMEOUT.multipliedBy(10).toMillis());
                try {
                    Wire.Reply timedOut = wire.read();
                    assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(408);
                    assertThat(timedOut.headers().get("connection")).isEqualTo("close");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the console kept a connection that never finished its request", e);
                }
                assertThat(wire.socket().getInputStream().read()).as("closed after the 408").isEqualTo(-1);
            }
        } finally {
            for (Wire wire : stalled) {
                wire.close();
            }
        }
        assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(DualRepo.DEFAULT_ROUTE);
    }

    @Test
    void connectionsPastTheLimitAreTurnedAwayAndServedOnceOthersClose() throws Exception {
        // Idle keep-alive connections are closed after the request timeout: on a loaded machine, opening the 64
        // took longer than the 2 s the other tests use, the first ones closed, and the extra one was let in. This
        // console's timeout outlasts any such setup, so the held connections stay held.
        OperatorConsole patient = OperatorConsole.over(dualRepo).repositories(REPOSITORY).token(TOKEN)
                .requestTimeout(Duration.ofMinutes(2)).build();
        try (ConsoleServer server = ConsoleServer.start(patient, 0)) {
            String host = "127.0.0.1:" + server.port();
            turnedAwayPastTheLimit(server, host);
        }
    }

    private static void turnedAwayPastTheLimit(ConsoleServer server, String host) throws Exception {
        List<Wire> held = new ArrayList<>();
        try {
            for (int i = 0; i < ConsoleServer.MAX_CONNECTIONS; i++) {
                Wire wire = new Wire(server.port());
                held.add(wire);
                // Each connection answered once holds its thread, waiting on keep-alive for the next request.
                assertThat(wire.exchange("GET", "/console.css", headers(host, null, null), null).status())
                        .isEqualTo(200);
            }
            try (Wire extra = new Wire(server.port())) {
                Wire.Reply busy = extra.read();
                assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            }
        } finally {
            for (Wire wire : held) {
                wire.close();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            try (Wire wire = new Wire(server.port())) {
                status = wire.exchange("GET", STATE, headers(host, null, TOKEN), null).status();
            }
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).as("served once the held connections closed").isEqualTo(200);
    }

    /**
     * With Nagle's algorithm on, the second write of an answer (its body) waits for the client's delayed ACK, some
     * 40 ms on Linux, and the median keep-alive request takes that long. A busy machine may slow a round: the best of
     * three medians counts, which a 40 ms floor could never pass.
     */
    @Test
    void keepAliveAnswersDoNotWaitForTheDelayedAck() throws IOException {
        double best = Double.MAX_VALUE;
        try (Wire wire = new Wire(server.port())) {
            for (int warm = 0; warm < 20; warm++) {
                assertThat(wire.exchange("GET", STATE, headers(host, null, TOKEN), null).status()).isEqualTo(200);
            }
            for (int round = 0; round < 3 && best >= 20; round++) {
                double[] millis = new double[20];
                for (int i = 0; i < millis.length; i++) {
                    long started = System.nanoTime();
                    Wire.Reply reply = wire.exchange("GET", STATE, headers(host, null, TOKEN), null);
                    millis[i] = (System.nanoTime() - started) / 1e6;
                    assertThat(reply.status()).isEqualTo(200);
                    assertThat(reply.headers().get("connection")).isEqualTo("keep-alive");
                }
                Arrays.sort(millis);
                best = Math.min(best, (millis[9] + millis[10]) / 2);
            }
        }
        assertThat(best).as("median milliseconds of a keep-alive request, best of up to three rounds of 20")
                .isLessThan(20);
    }

    @Test
    void aStageSetThroughTheConsoleGoesThroughTheTransitionRules() throws IOException {
        try (Wire wire = new Wire(server.port())) {
            assertThat(stage(wire, "DUAL_WRITE").status()).isEqualTo(200);
            assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(io.dualrepo.routing.Stage.DUAL_WRITE.route());

            // Reads from NEW need its backfill and a clean verification, or a force, on record.
            Wire.Reply refused = stage(wire, "LIVE");
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.body()).contains("LIVE refused, DUAL_WRITE stays", "NEW cannot serve reads");
            assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(io.dualrepo.routing.Stage.DUAL_WRITE.route());
            assertThat(routes.route(REPOSITORY, null)).as("the refused stage does not wait in the source")
                    .contains(io.dualrepo.routing.Stage.DUAL_WRITE.route());
            Wire.Reply state = wire.exchange("GET", STATE, headers(host, null, TOKEN), null);
            assertThat(state.body()).contains("\"stageRefusal\":{", "\"stage\":\"LIVE\"", "NEW cannot serve reads");

            assertThat(stage(wire, "HALFWAY").status()).isEqualTo(400);
            Wire.Reply unknown = wire.exchange("POST", STAGE, headers(host, null, TOKEN),
                    "{\"repository\": \"orders\", \"stage\": \"SHADOW\"}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).contains("unknown repository 'orders'");

            dualRepo.force(REPOSITORY, Side.NEW, "copied by hand in the test", "test");
            Wire.Reply live = stage(wire, "LIVE");
            assertThat(live.status()).as(live.body()).isEqualTo(200);
            assertThat(dualRepo.currentRoute(REPOSITORY)).isEqualTo(io.dualrepo.routing.Stage.LIVE.route());
            String history = wire.exchange("GET", STATE, headers(host, null, TOKEN), null).body();
            assertThat(history).contains("\"origin\":\"FORCE\"", "\"to\":\"LIVE\"", "\"stageRefusal\":null");
        }
    }

    private Wire.Reply stage(Wire wire, String stage) throws IOException {
        return wire.exchange("POST", STAGE, headers(host, null, TOKEN), "{\"stage\": \"" + stage + "\"}");
    }

    private static Map<String, String> headers(String host, String origin, String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (host != null) {
            headers.put("Host", host);
        }
        if (origin != null) {
            headers.put("Origin", origin);
        }
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        headers.put("Content-Type", "application/json");
        return headers;
    }
}
