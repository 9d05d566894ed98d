package io.dualrepo.benchmarks.endtoend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** The new model's row: the status a foreign key to the organisation's row of {@code incident_statuses}. */
@Entity
@Table(name = "incidents_v2")
public class IncidentRow {

    @Id
    long id;

    @Column(name = "organisation_id")
    String organisationId;

    String title;

    // Eager, as the application always shows the status: one join, not a second query.
    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "incident_status_id")
    IncidentStatusRow status;

    Incident toIncident() {
        return new Incident(id, organisationId, title, status.name);
    }
}
