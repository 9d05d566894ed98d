package io.dualrepo.sample.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The application's REST API and its Actuator endpoint over real HTTP, as a client sees them. */
final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    Api(int port) {
        this.base = "http://localhost:" + port;
    }

    /** A PUT of an incident with a body as given: for bodies the API must refuse. */
    HttpResponse<String> putBody(String id, Map<String, String> body) throws IOException, InterruptedException {
        return send("PUT", "/incidents/" + id, body);
    }

    /** A POST of an organisation with a body as given. */
    HttpResponse<String> postOrganisation(Map<String, String> body) throws IOException, InterruptedException {
        return send("POST", "/organisations", body);
    }

    int put(Incident incident) throws IOException, InterruptedException {
        return send("PUT", "/incidents/" + incident.id(), Map.of("organisationId", incident.organisationId(),
                "title", incident.title(), "status", incident.status())).statusCode();
    }

    Optional<Incident> incident(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/incidents/" + id, null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200);
        return Optional.of(JSON.readValue(response.body(), Incident.class));
    }

    List<Incident> incidentsOf(String organisation) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/organisations/" + organisation + "/incidents", null);
        expect(response, 200);
        List<Incident> incidents = new ArrayList<>();
        for (JsonNode node : JSON.readTree(response.body())) {
            incidents.add(JSON.treeToValue(node, Incident.class));
        }
        return incidents;
    }

    void createOrganisation(String id) throws IOException, InterruptedException {
        expect(send("POST", "/organisations", Map.of("id", id, "name", "Organisation " + id)), 201);
    }

    /** POST /actuator/dualrepo/incidents: the HTTP status and the body. */
    HttpResponse<String> stage(String stage) throws IOException, InterruptedException {
        return send("POST", "/actuator/dualrepo/incidents", Map.of("stage", stage));
    }

    /** The Actuator endpoint's view of the incidents repository. */
    JsonNode repository() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/actuator/dualrepo/incidents", null);
        expect(response, 200);
        return JSON.readTree(response.body());
    }

    /**
     * POST /actuator/dualrepo/incidents/{job}, which starts the job and answers at once; then the endpoint's view of
     * the job, polled until it no longer runs.
     */
    JsonNode runJob(String job) throws IOException, InterruptedException {
        expect(send("POST", "/actuator/dualrepo/incidents/" + job, null), 202);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode state = repository().path("jobs").path(job);
        while (state.path("status").asString().equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            state = repository().path("jobs").path(job);
        }
        return state;
    }

    private HttpResponse<String> send(String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }
}
