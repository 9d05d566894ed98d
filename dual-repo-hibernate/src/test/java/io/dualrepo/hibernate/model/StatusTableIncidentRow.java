package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** The new model: an incident points at one of its organisation's statuses. */
@Entity
@Table(name = "incidents_v2")
public class StatusTableIncidentRow {

    @Id
    String id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    // Narrower than the old column on purpose: a long title is a write the new model's database refuses.
    @Column(nullable = false, length = 40)
    String title;

    @ManyToOne(optional = false)
    @JoinColumn(name = "incident_status_id", nullable = false)
    IncidentStatusRow status;

    protected StatusTableIncidentRow() {}

    StatusTableIncidentRow(String id, String organisationId, String title, IncidentStatusRow status) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
        this.status = status;
    }

    Incident toIncident() {
        return new Incident(id, organisationId, title, status.name);
    }
}
