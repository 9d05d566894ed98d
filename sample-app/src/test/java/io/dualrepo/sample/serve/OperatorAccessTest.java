package io.dualrepo.sample.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.sample.Settings;
import io.dualrepo.sample.serve.ApiClient.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who may reach serve mode: the operator API only with the token, nothing under a foreign Host, nothing
 * state-changing from another site's page; and a client too slow to finish its request cannot keep a request
 * thread. Requests go out over raw sockets here, so that each header is exactly what the test says.
 */
class OperatorAccessTest {

    private static final String TOKEN = "operator-access-test-token-0123456789";
    private static final String STAGE = "/api/operator/stage";
    // Allowed from OLD_ONLY, so a refusal can only come from the checks before the route.
    private static final String DUAL_WRITE = "{\"stage\": \"DUAL_WRITE\"}";

    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(Server::close);
    }

    private Server serve(Settings settings) throws Exception {
        Server server = Server.start(settings);
        servers.add(server);
        return server;
    }

    private Server serve() throws Exception {
        return serve(new Settings("serve", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                false).withOperatorToken(TOKEN));
    }

    @Test
    void theOperatorApiNeedsTheToken() throws Exception {
        Server server = serve();
        String host = "127.0.0.1:" + server.port();

        Raw missing = raw(server, "POST", STAGE, headers(host, null, null), DUAL_WRITE);
        assertThat(missing.status).as(missing.text).isEqualTo(401);
        assertThat(missing.text).containsIgnoringCase("WWW-Authenticate: Bearer").contains("needs the operator token");
        assertThat(stage(server)).isEqualTo("OLD_ONLY");

        Raw wrong = raw(server, "POST", STAGE, headers(host, null, TOKEN + "x"), DUAL_WRITE);
        assertThat(wrong.status).as(wrong.text).isEqualTo(401);
        assertThat(stage(server)).isEqualTo("OLD_ONLY");
        Raw prefix = raw(server, "POST", STAGE, headers(host, null, TOKEN.substring(0, TOKEN.length() - 1)),
                DUAL_WRITE);
        assertThat(prefix.status).as(prefix.text).isEqualTo(401);
        Raw otherScheme = raw(server, "POST", STAGE, Map.of("Host", host, "Content-Type", "application/json",
                "Authorization", "Basic " + TOKEN), DUAL_WRITE);
        assertThat(otherScheme.status).as(otherScheme.text).isEqualTo(401);
        assertThat(stage(server)).isEqualTo("OLD_ONLY");

        for (String path : List.of("/api/operator/state", "/api/operator/backfill", "/api/operator/planted-bug")) {
            String method = path.endsWith("state") ? "GET" : "POST";
            assertThat(raw(server, method, path, headers(host, null, null), "{\"planted\": true}").status)
                    .as(method + " " + path).isEqualTo(401);
        }
        assertThat(new ApiClient(server).state().get("plantedBug").getAsBoolean()).isFalse();

        // What needs no token: the page itself, the incidents API and the metrics.
        assertThat(raw(server, "GET", "/", headers(host, null, null), null).status).isEqualTo(200);
        assertThat(raw(server, "GET", "/api/organisations", headers(host, null, null), null).status).isEqualTo(200);
        assertThat(raw(server, "GET", "/metrics", headers(host, null, null), null).status).isEqualTo(200);

        // The same request with the token, from a client that is not a browser: taken.
        Raw taken = raw(server, "POST", STAGE, headers(host, null, TOKEN), DUAL_WRITE);
        assertThat(taken.status).as(taken.text).isEqualTo(200);
        assertThat(stage(server)).isEqualTo("DUAL_WRITE");
    }

    @Test
    void anotherSitesPageCannotChangeAnythingEvenWithTheToken() throws Exception {
        Server server = serve();
        String host = "127.0.0.1:" + server.port();
        for (String origin : List.of("http://evil.example", "http://127.0.0.1:" + (server.port() + 1),
                "https://127.0.0.1:" + server.port(), "null")) {
            Raw refused = raw(server, "POST", STAGE, headers(host, origin, TOKEN), DUAL_WRITE);
            assertThat(refused.status).as(origin + ": " + refused.text).isEqualTo(403);
            assertThat(stage(server)).as("after a request from " + origin).isEqualTo("OLD_ONLY");
        }
        Raw incident = raw(server, "POST", "/api/incidents", headers(host, "http://evil.example", null),
                "{\"organisationId\": \"org-001\", \"title\": \"t\", \"status\": \"fixing\"}");
        assertThat(incident.status).as("the incidents API's writes too").isEqualTo(403);

        // The page's own origin, as a browser sends it with the page's requests.
        Raw own = raw(server, "POST", STAGE, headers(host, "http://" + host, TOKEN), DUAL_WRITE);
        assertThat(own.status).as(own.text).isEqualTo(200);
        assertThat(stage(server)).isEqualTo("DUAL_WRITE");
    }

    @Test
    void aForeignHostIsRefusedSoThatARebindingNameCannotReachTheServer() throws Exception {
        Server server = serve();
        int port = server.port();
        for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:" + (port + 1),
                "localhost.evil.example:" + port)) {
            // A page at http://evil.example:<port> whose name now resolves to 127.0.0.1: same origin to the browser.
            Raw refused = raw(server, "POST", STAGE, headers(host, "http://" + host, TOKEN), DUAL_WRITE);
            assertThat(refused.status).as(host + ": " + refused.text).isEqualTo(421);
            assertThat(raw(server, "GET", "/", headers(host, null, null), null).status).as(host).isEqualTo(421);
            assertThat(stage(server)).as("after a request for " + host).isEqualTo("OLD_ONLY");
        }
        Raw noHost = raw(server, "POST", STAGE, headers(null, null, TOKEN), DUAL_WRITE);
        assertThat(noHost.status).as(noHost.text).isEqualTo(421);
        assertThat(stage(server)).isEqualTo("OLD_ONLY");

        for (String host : List.of("localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
            assertThat(raw(server, "GET", "/api/operator/state", headers(host, null, TOKEN), null).status).as(host)
                    .isEqualTo(200);
        }
        Raw taken = raw(server, "POST", STAGE, headers("localhost:" + port, "http://localhost:" + port, TOKEN),
                DUAL_WRITE);
        assertThat(taken.status).as(taken.text).isEqualTo(200);
        assertThat(stage(server)).isEqualTo("DUAL_WRITE");
    }

    @Test
    void withoutATokenConfiguredARandomOneIsMadeAndShownOnlyInTheConsoleLine() throws Exception {
        Settings settings = new Settings("serve", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, false);
        Server first = serve(settings);
        Server second = serve(settings);
        assertThat(first.operatorToken()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(second.operatorToken());
        assertThat(first.operatorPageUri().toString()).isEqualTo(first.uri() + "#token=" + first.operatorToken());
        assertThat(first.consoleLine()).contains(first.operatorPageUri().toString());
        assertThat(new ApiClient(first).state().getAsJsonObject("route").get("stage").getAsString())
                .isEqualTo("OLD_ONLY");
        String host = "127.0.0.1:" + first.port();
        assertThat(raw(first, "GET", "/api/operator/state", headers(host, null, second.operatorToken()), null).status)
                .isEqualTo(401);

        Server configured = serve();
        assertThat(configured.operatorToken()).isEqualTo(TOKEN);
        assertThat(configured.consoleLine()).doesNotContain(TOKEN).contains("#token=<OPERATOR_TOKEN>");
        assertThat(settings.withOperatorToken(TOKEN).toString()).doesNotContain(TOKEN);

        String odd = "odd&token#with%signs+0123456789";
        Server oddServer = serve(settings.withOperatorToken(odd));
        String fragment = oddServer.operatorPageUri().getRawFragment();
        assertThat(fragment).startsWith("token=").doesNotContain("&", "#");
        assertThat(URLDecoder.decode(fragment.substring("token=".length()), StandardCharsets.UTF_8)).isEqualTo(odd);
        assertThat(new ApiClient(oddServer).state().getAsJsonObject("route").get("stage").getAsString())
                .isEqualTo("OLD_ONLY");
    }

    @Test
    void aClientThatNeverFinishesItsRequestLosesItsConnectionAndItsThread() throws Exception {
        Server server = serve();
        String host = "127.0.0.1:" + server.port();
        List<Socket> slow = new ArrayList<>();
        try {
            // As many as the server has request threads: each blocks one, reading headers that never end.
            for (int i = 0; i < Server.REQUEST_THREADS; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
                slow.add(socket);
                socket.getOutputStream().write(("GET /api/organisations HTTP/1.1\r\nHost: " + host + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            for (Socket socket : slow) {
                // Bounded well past the server's limit: without one the server would never close it.
                socket.setSoTimeout((int) Duration.ofSeconds(Server.MAX_REQUEST_SECONDS * 6).toMillis());
                try {
                    assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the server kept a connection that never finished its request", e);
                } catch (IOException e) {
                    // Reset by the server: closed too.
                }
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        Reply served = new ApiClient(server).get("/api/organisations");
        assertThat(served.status()).as("the request threads are free again").isEqualTo(200);
    }

    private static String stage(Server server) {
        return new ApiClient(server).state().getAsJsonObject("route").get("stage").getAsString();
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

    /** An answer as it came over the wire: its status and all its text, headers included. */
    private record Raw(int status, String text) {}

    private static Raw raw(Server server, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Content-Length: ").append(content.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(text).as(method + " " + path).startsWith("HTTP/1.1 ");
            return new Raw(Integer.parseInt(text.substring(9, 12)), text);
        }
    }
}
