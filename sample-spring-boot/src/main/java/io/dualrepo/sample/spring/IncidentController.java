package io.dualrepo.sample.spring;

import io.dualrepo.sample.spring.model.Organisations;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The application's API: it knows nothing of the migration, only {@link IncidentRepository}. */
@RestController
class IncidentController {

    /**
     * The body of a PUT. JSON leaves a missing field null; refused here, while the body is read, it is the client's
     * error (400) instead of a failed write (500).
     */
    record IncidentBody(String organisationId, String title, String status) {
        IncidentBody {
            Objects.requireNonNull(organisationId, "organisationId");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(status, "status");
        }
    }

    /** The body of a POST to /organisations; a missing field refused as in {@link IncidentBody}. */
    record OrganisationBody(String id, String name) {
        OrganisationBody {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    private final IncidentRepository incidents;
    private final Organisations organisations;

    IncidentController(IncidentRepository incidents, Organisations organisations) {
        this.incidents = incidents;
        this.organisations = organisations;
    }

    @GetMapping("/incidents/{id}")
    ResponseEntity<Incident> incident(@PathVariable String id) {
        return ResponseEntity.of(incidents.findById(id));
    }

    @PutMapping("/incidents/{id}")
    Incident put(@PathVariable String id, @RequestBody IncidentBody body) {
        Incident incident = new Incident(id, body.organisationId(), body.title(), body.status());
        incidents.save(incident);
        return incident;
    }

    @GetMapping("/organisations/{id}/incidents")
    List<Incident> ofOrganisation(@PathVariable String id) {
        return incidents.findByOrganisation(id);
    }

    @PostMapping("/organisations")
    ResponseEntity<OrganisationBody> create(@RequestBody OrganisationBody body) {
        organisations.create(body.id(), body.name());
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }
}
