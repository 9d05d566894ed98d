package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model: the status is a text column. */
@Entity
@Table(name = "incidents")
public class LegacyIncidentRow {

    @Id
    String id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    @Column(nullable = false)
    String status;

    protected LegacyIncidentRow() {}

    public LegacyIncidentRow(Incident incident) {
        copy(incident);
    }

    public void copy(Incident incident) {
        this.id = incident.id();
        this.organisationId = incident.organisationId();
        this.title = incident.title();
        this.status = incident.status();
    }

    Incident toIncident() {
        return new Incident(id, organisationId, title, status);
    }
}
