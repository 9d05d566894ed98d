package io.dualrepo.flags.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unleash server the suite talks to, as the {@code unleash-it} Maven profile describes it (system properties
 * {@code unleash.url}, {@code unleash.adminToken}, {@code unleash.clientToken}), and, when {@code unleash.script}
 * names {@code src/it/unleash-server.sh}, the means to stop and start it. Public, in this module's test jar, for the
 * sample app's suite against the same server.
 */
public final class UnleashServer {

    private static final Logger log = LoggerFactory.getLogger(UnleashServer.class);

    // The defaults of src/it/unleash-server.sh: test-only tokens of a throwaway local server.
    private static final String DEFAULT_URL = "http://127.0.0.1:4242";
    private static final String DEFAULT_ADMIN_TOKEN = "*:*.dualrepo-it-admin-secret";
    private static final String DEFAULT_CLIENT_TOKEN = "default:development.dualrepo-it-client-secret";

    private final URI url;
    private final String adminToken;
    private final String clientToken;
    private final Path script;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private UnleashServer(URI url, String adminToken, String clientToken, Path script) {
        this.url = url;
        this.adminToken = adminToken;
        this.clientToken = clientToken;
        this.script = script;
    }

    public static UnleashServer fromSystemProperties() {
        String url = System.getProperty("unleash.url", DEFAULT_URL).replaceAll("/+$", "");
        String script = System.getProperty("unleash.script", "");
        return new UnleashServer(URI.create(url),
                System.getProperty("unleash.adminToken", DEFAULT_ADMIN_TOKEN),
                System.getProperty("unleash.clientToken", DEFAULT_CLIENT_TOKEN),
                script.isBlank() ? null : Path.of(script));
    }

    /** The server's root, without a trailing slash. */
    public URI url() {
        return url;
    }

    /** What the SDK is configured with: {@code <url>/api/}. */
    public String clientApi() {
        return url + "/api/";
    }

    public String adminToken() {
        return adminToken;
    }

    public String clientToken() {
        return clientToken;
    }

    /** Whether {@code GET /health} answers GOOD. */
    public boolean healthy() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(url.resolve("/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("GOOD");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The script that started the server, if this run may stop and start it. */
    Optional<Path> script() {
        return Optional.ofNullable(script).filter(Files::isRegularFile);
    }

    void stop() {
        runScript("stop");
    }

    void start() {
        runScript("start");
    }

    private void runScript(String command) {
        Path path = script().orElseThrow(() -> new IllegalStateException(
                "no unleash.script (was " + script + "): cannot " + command + " the server"));
        ProcessBuilder builder = new ProcessBuilder("bash", path.toString(), command).redirectErrorStream(true);
        // The script and this suite must agree on the port.
        if (url.getPort() > 0) {
            builder.environment().put("HTTP_PORT", Integer.toString(url.getPort()));
        }
        try {
            Process process = builder.start();
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                output.lines().forEach(line -> log.info("{}", line));
            }
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException(path + " " + command + " exited with " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + path + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + path + " " + command, e);
        }
    }
}
