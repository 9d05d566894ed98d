package io.dualrepo.sample.model;

import io.dualrepo.sample.Incident;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/**
 * The old model: {@code incidents.status} is free text. It knows nothing of the new column, so it keeps working
 * unchanged while the new model grows beside it in the same table.
 */
@Entity
@Table(name = "incidents")
// Only the columns this model changed: the new model's entity updates the same rows.
@DynamicUpdate
public class LegacyIncidentRow {

    @Id
    String id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    @Column
    String status;

    protected LegacyIncidentRow() {}

    public LegacyIncidentRow(Incident incident) {
        copy(incident);
    }

    void copy(Incident incident) {
        id = incident.id();
        organisationId = incident.organisationId();
        title = incident.title();
        status = incident.status();
    }

    Incident toIncident() {
        return new Incident(id, organisationId, title, status);
    }
}
