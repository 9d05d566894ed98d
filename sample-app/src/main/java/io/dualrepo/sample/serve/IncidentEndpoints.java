package io.dualrepo.sample.serve;

import static io.dualrepo.sample.serve.Http.badRequest;
import static io.dualrepo.sample.serve.Http.notFound;

import com.google.gson.JsonObject;
import io.dualrepo.sample.Incident;
import io.dualrepo.sample.IncidentRepository;
import io.dualrepo.sample.SampleApp;
import io.dualrepo.sample.model.Statuses;
import io.dualrepo.sample.serve.Http.Request;
import io.dualrepo.sample.serve.Http.Response;
import io.dualrepo.sample.serve.Http.Route;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The application's own API: incidents, read and written through the generated decorator, so that every call here
 * follows the route in force and the operator page sees its comparisons.
 */
final class IncidentEndpoints {

    static final int MAX_TITLE_LENGTH = 200;

    private final IncidentRepository incidents;
    // Organisations are seeded once and this API creates none, so the list read at start-up stays right.
    private final List<String> organisations;
    private final Set<String> knownOrganisations;

    IncidentEndpoints(SampleApp app, List<String> organisations) {
        this.incidents = app.incidents();
        this.organisations = List.copyOf(organisations);
        this.knownOrganisations = Set.copyOf(organisations);
    }

    List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/organisations", request -> Response.ok(organisations)),
                Route.of("GET", "/api/organisations/([^/]+)/incidents", this::listByOrganisation),
                Route.of("POST", "/api/incidents", this::create),
                Route.of("GET", "/api/incidents/([^/]+)", this::get),
                Route.of("DELETE", "/api/incidents/([^/]+)", this::delete),
                Route.of("PUT", "/api/incidents/([^/]+)/status", this::changeStatus));
    }

    private Response listByOrganisation(Request request) {
        String organisation = request.path(0);
        if (!knownOrganisations.contains(organisation)) {
            throw notFound("unknown organisation '" + organisation + "': GET /api/organisations lists them");
        }
        return Response.ok(incidents.findByOrganisation(organisation));
    }

    private Response get(Request request) {
        return Response.ok(existing(request.path(0)));
    }

    private Response create(Request request) throws IOException {
        JsonObject body = request.body();
        String organisation = Http.requiredString(body, "organisationId");
        if (!knownOrganisations.contains(organisation)) {
            throw badRequest("unknown organisation '" + organisation + "': GET /api/organisations lists them");
        }
        String title = Http.requiredString(body, "title").strip();
        if (title.isEmpty()) {
            throw badRequest("field 'title' must not be blank");
        }
        if (title.length() > MAX_TITLE_LENGTH) {
            throw badRequest("field 'title' is " + title.length() + " characters long; at most " + MAX_TITLE_LENGTH);
        }
        String status = status(body);
        Incident incident = new Incident(SampleApp.newIncidentId(), organisation, title, status);
        incidents.save(incident);
        return Response.created("/api/incidents/" + incident.id(), incident);
    }

    private Response changeStatus(Request request) throws IOException {
        // The body first: a bad request is refused before anything is read for it.
        String status = status(request.body());
        Incident changed = existing(request.path(0)).withStatus(status);
        incidents.save(changed);
        return Response.ok(changed);
    }

    private Response delete(Request request) {
        Incident incident = existing(request.path(0));
        incidents.deleteById(incident.id());
        return Response.noContent();
    }

    private Incident existing(String id) {
        return incidents.findById(id).orElseThrow(() -> notFound("no incident '" + id + "'"));
    }

    private static String status(JsonObject body) {
        String status = Http.requiredString(body, "status");
        if (!Statuses.NAMES.contains(status)) {
            throw badRequest("unknown status '" + status + "': expected one of " + Statuses.NAMES);
        }
        return status;
    }
}
