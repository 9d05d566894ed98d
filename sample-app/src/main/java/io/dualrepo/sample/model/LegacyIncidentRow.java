package io.dualrepo.sample.model;

import io.dualrepo.sample.Incident;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;
import org.hibernate.annotations.DynamicUpdate;
import org.jspecify.annotations.Nullable;

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

    // Null in a row the new model wrote alone (one table): the old model does not hold it.
    @Column
    @Nullable String status;

    protected LegacyIncidentRow() {}

    public LegacyIncidentRow(Incident incident) {
        id = incident.id();
        organisationId = incident.organisationId();
        title = incident.title();
        status = incident.status();
    }

    /** Updates this row, found by the incident's id, to the incident. */
    void copy(Incident incident) {
        organisationId = incident.organisationId();
        title = incident.title();
        status = incident.status();
    }

    /** The incident of a row this model holds: it reads no row whose status is null. */
    Incident toIncident() {
        return new Incident(id, organisationId, title, Objects.requireNonNull(status, "status"));
    }
}
