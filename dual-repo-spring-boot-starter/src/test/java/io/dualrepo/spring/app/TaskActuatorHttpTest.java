package io.dualrepo.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dualrepo endpoint and health over HTTP, in an application that exposes them as the docs say. Ordered: the
 * later tests change the stage that the first one reads.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "dualrepo.repositories.tasks.stage=DUAL_WRITE",
        "management.endpoints.web.exposure.include=dualrepo,health",
        "management.endpoint.health.show-details=always"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskActuatorHttpTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();

    @Value("${local.server.port}")
    int port;

    @Test
    @Order(1)
    void listsEachRepositoryWithItsRouteRecordHistoryAndBreaker() throws Exception {
        HttpResponse<String> response = get("/actuator/dualrepo");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode tasks = json.readTree(response.body()).path("repositories").path("tasks");
        assertThat(tasks.path("route").path("stage").asString()).isEqualTo("DUAL_WRITE");
        assertThat(tasks.path("route").path("write").asString()).isEqualTo("BOTH");
        assertThat(tasks.path("routeSource").asString()).isEqualTo("application properties");
        assertThat(tasks.path("stageSettable").asBoolean()).isTrue();
        assertThat(tasks.path("circuit").asString()).isEqualTo("CLOSED");
        assertThat(tasks.path("lastRefusal").isNull()).isTrue();
        assertThat(tasks.path("record").path("oldSide").path("status").asString()).isEqualTo("COMPLETE");
        assertThat(tasks.path("record").path("newSide").path("status").asString()).isEqualTo("CATCHING_UP");
        assertThat(tasks.path("record").path("newSide").path("backfilledAt").isNull()).isTrue();
        assertThat(tasks.path("history").get(0).path("to").asString()).isEqualTo("DUAL_WRITE");
        // One repository alone answers the same.
        assertThat(json.readTree(get("/actuator/dualrepo/tasks").body())).isEqualTo(tasks);
    }

    @Test
    @Order(2)
    void anUnknownRepositoryIsNotFound() throws Exception {
        assertThat(get("/actuator/dualrepo/taks").statusCode()).isEqualTo(404);
        HttpResponse<String> response = post("/actuator/dualrepo/taks", "{\"stage\":\"SHADOW\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json.readTree(response.body()).path("outcome").asString()).isEqualTo("UNKNOWN_REPOSITORY");
    }

    @Test
    @Order(3)
    void aRefusedStageAnswersTheReasonAndATakenOneTheNewRoute() throws Exception {
        HttpResponse<String> refused = post("/actuator/dualrepo/tasks", "{\"stage\":\"LIVE\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode refusal = json.readTree(refused.body());
        assertThat(refusal.path("outcome").asString()).isEqualTo("REFUSED");
        assertThat(refusal.path("message").asString())
                .startsWith("LIVE refused, DUAL_WRITE stays: NEW cannot serve reads");
        assertThat(stage()).isEqualTo("DUAL_WRITE");

        HttpResponse<String> taken = post("/actuator/dualrepo/tasks", "{\"stage\":\"SHADOW\"}");
        assertThat(taken.statusCode()).isEqualTo(200);
        assertThat(json.readTree(taken.body()).path("route").path("stage").asString()).isEqualTo("SHADOW");
        assertThat(stage()).isEqualTo("SHADOW");

        assertThat(post("/actuator/dualrepo/tasks", "{\"stage\":\"SIDEWAYS\"}").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void healthIsUpWithEachRepositorysStageAndBreaker() throws Exception {
        HttpResponse<String> response = get("/actuator/health/dualrepo");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        JsonNode tasks = health.path("details").path("repositories").path("tasks");
        assertThat(tasks.path("stage").asString()).isEqualTo("SHADOW");
        assertThat(tasks.path("circuit").asString()).isEqualTo("CLOSED");
        assertThat(tasks.has("lastRefusal")).isTrue();
        assertThat(tasks.path("lastRefusal").isNull()).isTrue();
        assertThat(health.path("details").path("warnings").isArray()).isTrue();
        assertThat(health.path("details").path("warnings")).isEmpty();
    }

    private String stage() throws Exception {
        return json.readTree(get("/actuator/dualrepo/tasks").body()).path("route").path("stage").asString();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
