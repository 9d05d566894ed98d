package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * A body missing a field is the client's error: answered 400, and nothing written. Before, the record took the
 * missing field as null, a type that says non-null, and the write failed deeper (a server error) or stored the null.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ComparisonLog.class)
class IncompleteBodiesTest extends StageWalk {

    @Test
    void anIncidentWithoutATitleIsRefusedAndNotWritten() throws Exception {
        assertThat(api().postOrganisation(Map.of("id", "org-b", "name", "B")).statusCode()).isEqualTo(201);

        var response = api().putBody("i-b", Map.of("organisationId", "org-b", "status", "open"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(oldModel.findById("i-b")).isEmpty();
    }

    @Test
    void anOrganisationWithoutANameIsRefused() throws Exception {
        var response = api().postOrganisation(Map.of("id", "org-c"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    }
}
