package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.console.OperatorConsoleServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample's operator console, as application.properties enables it: on a port of its own (a free one in tests),
 * its generated token printed once with the page's address, a stage set through it judged by the migration
 * record's rules, and the backfill and verification buttons the sample adds giving the evidence that lets reads move.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "dualrepo.console.title=Console test")
class OperatorConsoleTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    OperatorConsoleServer console;

    @Autowired
    DualRepoProperties properties;

    @Autowired
    DualRepo dualRepo;

    @Test
    void theConsoleSetsStagesThroughTheRulesWithItsPrintedToken(CapturedOutput output) throws Exception {
        String token = properties.getConsole().getToken();
        assertThat(output).contains("operator console at " + console.uri() + "#token=" + token);

        assertThat(send("GET", "api/operator/state", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> state = send("GET", "api/operator/state", token, null);
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("\"title\":\"Console test\"", "\"name\":\"incidents\"");

        HttpResponse<String> refused = send("POST", "api/operator/stage", token, "{\"stage\":\"LIVE\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.OLD_ONLY.route());
        HttpResponse<String> taken = send("POST", "api/operator/stage", token, "{\"stage\":\"DUAL_WRITE\"}");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.DUAL_WRITE.route());

        // The page's backfill and verification buttons, through the API they call: the evidence lets reads move.
        assertThat(send("GET", "app.js", null, null).body()).contains("Run the incident backfill");
        HttpResponse<String> backfill = send("POST", "api/operator/backfill", token, "{}");
        assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
        assertThat(finished(token, "backfill")).contains("\"status\":\"FINISHED\"");
        HttpResponse<String> verify = send("POST", "api/operator/verify", token, "{}");
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(202);
        assertThat(finished(token, "verify")).contains("\"status\":\"FINISHED\"", "\"clean\":true");
        assertThat(send("POST", "api/operator/stage", token, "{\"stage\":\"SHADOW\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> live = send("POST", "api/operator/stage", token, "{\"stage\":\"LIVE\"}");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.LIVE.route());
    }

    /** The job's state in the console's "app" once it is no longer running. */
    private String finished(String token, String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String state = json.readTree(send("GET", "api/operator/state", token, null).body()).path("app").path(job)
                    .toString();
            if (!state.contains("\"RUNNING\"") && !state.equals("null") || System.nanoTime() > deadline) {
                return state;
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
