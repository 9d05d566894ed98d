package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * What the stage walks share: the application over real HTTP, traffic through its REST API, and the check that
 * every acknowledged write is readable, with its latest value, from the model that serves reads.
 */
abstract class StageWalk {

    static final List<String> ORGANISATIONS = List.of("org-1", "org-2", "org-3");

    @Value("${local.server.port}")
    int port;

    @Autowired
    DualRepo dualRepo;

    @Autowired
    @OldModel
    IncidentRepository oldModel;

    @Autowired
    @NewModel
    IncidentRepository newModel;

    @Autowired
    ComparisonLog comparisons;

    Api api;

    Api api() {
        if (api == null) {
            api = new Api(port);
        }
        return api;
    }

    /**
     * Creates the organisations and {@code history} incidents that the traffic never touches again (only the
     * backfill brings them to the new model), then starts four writers.
     */
    Traffic startTraffic(int history) throws Exception {
        for (String organisation : ORGANISATIONS) {
            api().createOrganisation(organisation);
        }
        List<Incident> written = new ArrayList<>();
        for (int i = 0; i < history; i++) {
            Incident incident = new Incident(UUID.randomUUID().toString(), ORGANISATIONS.get(i % ORGANISATIONS.size()),
                    "history " + i, i % 2 == 0 ? "closed" : "monitoring");
            assertThat(api().put(incident)).isEqualTo(200);
            written.add(incident);
        }
        return new Traffic(api(), ORGANISATIONS, 4, written);
    }

    /** Asks the Actuator endpoint for {@code stage}; returns the HTTP status. */
    int stage(String stage) throws Exception {
        HttpResponse<String> response = api().stage(stage);
        return response.statusCode();
    }

    /** Asks the Actuator endpoint for {@code stage}, which must be taken. */
    void takenThroughTheEndpoint(String stage) throws Exception {
        HttpResponse<String> response = api().stage(stage);
        assertThat(response.statusCode()).as("%s: %s", stage, response.body()).isEqualTo(200);
        assertThat(response.body()).as(stage).contains("\"outcome\":\"TAKEN\"");
    }

    String currentStage() throws Exception {
        return api().repository().path("route").path("stage").asString();
    }

    /**
     * With the traffic paused: every incident of the ledger through the API (routed as the application routes
     * it), and straight from the model the route reads from; and each organisation's list through the API.
     */
    void everyWriteReadable(Traffic traffic, String when) {
        traffic.paused(() -> {
            Map<String, Incident> ledger = traffic.ledger();
            Side serving = dualRepo.currentRoute("incidents").read().primary();
            IncidentRepository servingModel = serving == Side.OLD ? oldModel : newModel;
            try {
                for (Incident expected : ledger.values()) {
                    assertThat(api().incident(expected.id())).as("%s: %s through the API", when, expected.id())
                            .contains(expected);
                    assertThat(servingModel.findById(expected.id()))
                            .as("%s: %s in %s, which serves reads", when, expected.id(), serving)
                            .contains(expected);
                }
                for (String organisation : ORGANISATIONS) {
                    Map<String, Incident> expected = ledger.values().stream()
                            .filter(incident -> incident.organisationId().equals(organisation))
                            .collect(Collectors.toMap(Incident::id, incident -> incident));
                    assertThat(api().incidentsOf(organisation)).as("%s: incidents of %s", when, organisation)
                            .containsExactlyInAnyOrderElementsOf(expected.values());
                }
            } catch (Exception e) {
                throw new AssertionError(when + ": " + e, e);
            }
        });
    }

    /** Every incident of the ledger, with its latest value, read straight from the new model. */
    void newModelHoldsEveryWrite(Traffic traffic) {
        Map<String, Incident> ledger = traffic.ledger();
        assertThat(ledger).isNotEmpty();
        for (Incident expected : ledger.values()) {
            assertThat(newModel.findById(expected.id())).as("NEW holds %s", expected.id())
                    .isEqualTo(Optional.of(expected));
        }
    }

    long comparisons(Outcome outcome) {
        return comparisons.results().stream().filter(result -> result.outcome() == outcome).count();
    }
}
