package io.dualrepo.sample.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Talks to a running server the way a client of its API would: plain HTTP and JSON. */
public final class ApiClient {

    /** One answer. */
    public record Reply(int status, String body, HttpHeaders headers) {

        public JsonElement json() {
            return JsonParser.parseString(body);
        }

        public JsonObject object() {
            return json().getAsJsonObject();
        }

        /** The error message of a JSON error answer. */
        public String error() {
            return object().get("error").getAsString();
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final Map<String, String> headers;

    /** A client of this server with its operator token, as the operator page and scripts are. */
    public ApiClient(Server server) {
        this(server.uri(), Map.of("Authorization", "Bearer " + server.operatorToken()));
    }

    private ApiClient(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = Map.copyOf(headers);
    }

    /** The same client sending these headers instead (no token unless they hold one). */
    public ApiClient withHeaders(Map<String, String> headers) {
        return new ApiClient(base, headers);
    }

    public Reply get(String path) {
        return send("GET", path, null, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, "application/json", json);
    }

    public Reply put(String path, String json) {
        return send("PUT", path, "application/json", json);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Reply send(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            var response = HTTP.send(request.build(), BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** Creates an incident through the API and returns its id. */
    public String createIncident(String organisation, String title, String status) {
        Reply created = post("/api/incidents", "{\"organisationId\": \"" + organisation + "\", \"title\": \"" + title
                + "\", \"status\": \"" + status + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.object().get("id").getAsString();
    }

    public Reply setStage(String stage) {
        Reply reply = post("/api/operator/stage", "{\"stage\": \"" + stage + "\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply;
    }

    /**
     * Runs the incident backfill and then the verifier from the operator endpoints, with dual writes on: the evidence
     * the migration record asks for before reads move to the new model.
     */
    public void backfillAndVerify() {
        Reply started = post("/api/operator/backfill", "{\"rowsPerSecond\": 100000}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        eventually(this::state, s -> !s.getAsJsonObject("incidentBackfill").get("running").getAsBoolean(),
                "the incident backfill to end");
        Reply verified = post("/api/operator/verify", "{}");
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.object().get("clean").getAsBoolean()).as(verified.body()).isTrue();
    }

    /**
     * The console's state ({@code {repositories: [...], app: {...}}}) as the tests read it: the incidents repository's
     * part ({@code route}, {@code comparisons}, {@code record}...) with the sample's own fields ({@code plantedBug},
     * {@code incidentBackfill}...) beside it.
     */
    public JsonObject state() {
        Reply reply = get("/api/operator/state");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonObject document = reply.object();
        assertThat(document.getAsJsonArray("repositories")).as(reply.body()).hasSize(1);
        JsonObject state = document.getAsJsonArray("repositories").get(0).getAsJsonObject().deepCopy();
        assertThat(state.get("name").getAsString()).isEqualTo("incidents");
        document.getAsJsonObject("app").entrySet().forEach(field -> state.add(field.getKey(), field.getValue()));
        state.add("now", document.get("now"));
        state.add("stages", document.get("stages"));
        return state;
    }

    /** The page's count of one comparison outcome since start. */
    public long comparisons(String outcome) {
        return state().getAsJsonObject("comparisons").getAsJsonObject("totals").get(outcome).getAsLong();
    }

    /**
     * The sum of a Prometheus sample over every series carrying the given labels (others may differ), or -1 when
     * no series has them.
     */
    public double metric(String name, Map<String, String> labels) {
        Reply reply = get("/metrics");
        assertThat(reply.status()).isEqualTo(200);
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE)
                .matcher(reply.body());
        double sum = -1;
        while (line.find()) {
            String found = line.group(1);
            boolean all = labels.entrySet().stream()
                    .allMatch(label -> found.contains(label.getKey() + "=\"" + label.getValue() + "\""));
            if (all) {
                sum = Math.max(sum, 0) + Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }

    /**
     * Polls until the value passes the check, for what the server does off the request's thread (comparisons,
     * backfills); fails with the last value seen after the deadline.
     */
    public static <T> T eventually(Supplier<T> value, Predicate<T> check, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T last = value.get();
        while (!check.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            last = value.get();
        }
        return last;
    }
}
