package io.dualrepo.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dualrepo.DualRepo;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.InMemoryRouteSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console mounted under a path prefix on the JDK's HTTP server, beside an application context guarded by the
 * console's Host and Origin filter.
 */
class HttpHandlerTest {

    private static final String TOKEN = "handler-test-token-0123456789";

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private DualRepo dualRepo;
    private HttpServer http;
    private String host;

    @BeforeEach
    void start() throws IOException {
        dualRepo = DualRepo.builder().routeSource(routes).migrationRecord(MigrationRecord.inMemory()).build();
        TestDecorators.decorate(dualRepo, "orders", "invoices");
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host = "127.0.0.1:" + http.getAddress().getPort();
        OperatorConsole console = OperatorConsole.over(dualRepo)
                .repositories("orders", "invoices")
                .stageControl(routes, "in memory")
                .authenticator(headers -> headers.getOrDefault("cookie", java.util.List.of()).contains("session=ok"))
                .allowedHosts(host)
                .pathPrefix("/ops")
                .maxRequestBytes(100)
                .title("Orders <& invoices>")
                .build();
        // Without its trailing slash, so that /ops itself reaches the console (which redirects it to /ops/).
        http.createContext("/ops", console.httpHandler());
        http.createContext("/app", exchange -> {
            try (exchange) {
                byte[] body = "app".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }).getFilters().add(console.hostAndOriginFilter());
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
        dualRepo.close();
    }

    @Test
    void theConsoleAnswersUnderItsPrefixWithTheApplicationsAuthentication() throws IOException {
        int port = http.getAddress().getPort();
        try (Wire wire = new Wire(port)) {
            Wire.Reply redirect = wire.exchange("GET", "/ops", headers(host, null, false), null);
            assertThat(redirect.status()).isEqualTo(308);
            assertThat(redirect.headers().get("location")).isEqualTo("/ops/");
            Wire.Reply page = wire.exchange("GET", "/ops/", headers(host, null, false), null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>Orders &lt;&amp; invoices&gt;", "src=\"console.js\"")
                    .doesNotContain("app.js", "{{");
            assertThat(wire.exchange("GET", "/ops/api/operator/state", headers(host, null, false), null).status())
                    .isEqualTo(401);
            Wire.Reply state = wire.exchange("GET", "/ops/api/operator/state", headers(host, null, true), null);
            assertThat(state.status()).isEqualTo(200);
            assertThat(state.body()).contains("{\"name\":\"orders\"", "{\"name\":\"invoices\"", "\"app\":null");
            assertThat(state.body()).as("no budget: every sampled read compared").contains("\"comparedShare\":1.0");

            Wire.Reply noRepository = wire.exchange("POST", "/ops/api/operator/stage", headers(host, null, true),
                    "{\"stage\": \"DUAL_WRITE\"}");
            assertThat(noRepository.status()).isEqualTo(400);
            assertThat(noRepository.body()).contains("field 'repository' is required");
            Wire.Reply taken = wire.exchange("POST", "/ops/api/operator/stage", headers(host, null, true),
                    "{\"repository\": \"invoices\", \"stage\": \"DUAL_WRITE\"}");
            assertThat(taken.status()).as(taken.body()).isEqualTo(200);
            assertThat(dualRepo.currentRoute("invoices")).isEqualTo(io.dualrepo.routing.Stage.DUAL_WRITE.route());
            assertThat(dualRepo.currentRoute("orders")).isEqualTo(DualRepo.DEFAULT_ROUTE);

            Wire.Reply big = wire.exchange("POST", "/ops/api/operator/stage", headers(host, null, true),
                    "{\"repository\": \"orders\", \"stage\": \"DUAL_WRITE\", \"pad\": \"" + "x".repeat(200) + "\"}");
            assertThat(big.status()).isEqualTo(413);
        }
        try (Wire wire = new Wire(port)) {
            // Only the configured host: the loopback names at other spellings are foreign here.
            assertThat(wire.exchange("GET", "/ops/", headers("localhost:" + port, null, true), null).status())
                    .isEqualTo(421);
            assertThat(wire.exchange("GET", "/app", headers("evil.example:" + port, null, false), null).status())
                    .as("the application's own context, behind the console's filter").isEqualTo(421);
            assertThat(wire.exchange("POST", "/app", headers(host, "http://evil.example", false), "{}").status())
                    .isEqualTo(403);
            Wire.Reply app = wire.exchange("GET", "/app", headers(host, null, false), null);
            assertThat(app.status()).isEqualTo(200);
            assertThat(app.body()).isEqualTo("app");
        }
        assertThat(dualRepo.currentRoute("orders")).isEqualTo(DualRepo.DEFAULT_ROUTE);
    }

    @Test
    void aNameNoDecoratorHasIsShownAsSuchAndStartsNoRecord() throws IOException {
        OperatorConsole misspelt = OperatorConsole.over(dualRepo)
                .repositories("orders", "ordres")
                .stageControl(routes, "in memory")
                .authenticator(headers -> headers.getOrDefault("cookie", java.util.List.of()).contains("session=ok"))
                .allowedHosts(host)
                .pathPrefix("/typo")
                .build();
        http.createContext("/typo", misspelt.httpHandler());
        try (Wire wire = new Wire(http.getAddress().getPort())) {
            Wire.Reply state = wire.exchange("GET", "/typo/api/operator/state", headers(host, null, true), null);
            assertThat(state.status()).isEqualTo(200);
            assertThat(state.body()).contains("{\"name\":\"ordres\",\"problem\":\"no decorator named 'ordres'",
                    "check the name given to the console's repositories(...) against @DualModel(...)");
            Wire.Reply stage = wire.exchange("POST", "/typo/api/operator/stage", headers(host, null, true),
                    "{\"repository\": \"ordres\", \"stage\": \"DUAL_WRITE\"}");
            assertThat(stage.status()).isEqualTo(409);
            assertThat(stage.body()).contains("no decorator named 'ordres'");
        }
        assertThat(dualRepo.migrationRecord().history("ordres", 10)).as("no record started for the misspelt name")
                .isEmpty();
        assertThat(dualRepo.migrationRecord().history("orders", 10)).isNotEmpty();
    }

    private static Map<String, String> headers(String host, String origin, boolean session) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host);
        if (origin != null) {
            headers.put("Origin", origin);
        }
        if (session) {
            headers.put("Cookie", "session=ok");
        }
        headers.put("Content-Type", "application/json");
        return headers;
    }
}
