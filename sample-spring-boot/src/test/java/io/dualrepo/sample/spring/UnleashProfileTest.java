package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Profile {@code unleash}, its flags from a bootstrap file (the payload an Unleash server serves) that puts the
 * incidents in DUAL_WRITE: the route comes from the flags, writes reach both models, and the Actuator endpoint
 * refuses to set a stage that Unleash would overwrite.
 */
@ActiveProfiles("unleash")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ComparisonLog.class)
class UnleashProfileTest extends StageWalk {

    @DynamicPropertySource
    static void flags(DynamicPropertyRegistry properties) throws IOException {
        Path file = Files.createTempFile("incidents-flags", ".json");
        file.toFile().deleteOnExit();
        Files.writeString(file, "{\"version\":2,\"features\":[{\"name\":\"dualrepo.incidents.stage\",\"enabled\":true,"
                + "\"strategies\":[{\"name\":\"default\"}],\"variants\":[{\"name\":\"DUAL_WRITE\",\"weight\":1000,"
                + "\"weightType\":\"variable\",\"stickiness\":\"default\"}]}]}");
        properties.add("dualrepo.unleash.bootstrap-file", file::toString);
    }

    @Test
    void routesComeFromTheFlagsAndTheEndpointDoesNotSetThem() throws Exception {
        api().createOrganisation("org-u");
        Incident incident = new Incident(UUID.randomUUID().toString(), "org-u", "flags", "fixing");
        assertThat(api().put(incident)).isEqualTo(200);
        assertThat(api().incident(incident.id())).contains(incident);
        assertThat(oldModel.findById(incident.id())).isEqualTo(Optional.of(incident));
        assertThat(newModel.findById(incident.id())).isEqualTo(Optional.of(incident));

        JsonNode repository = api().repository();
        assertThat(repository.path("route").path("stage").asString()).isEqualTo("DUAL_WRITE");
        assertThat(repository.path("routeSource").asString()).startsWith("Unleash flags dualrepo.");
        assertThat(repository.path("stageSettable").asBoolean()).isFalse();

        HttpResponse<String> refused = api().stage("SHADOW");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("routes come from Unleash flags");
        assertThat(currentStage()).isEqualTo("DUAL_WRITE");
    }
}
