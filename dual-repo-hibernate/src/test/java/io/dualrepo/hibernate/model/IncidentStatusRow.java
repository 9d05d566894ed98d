package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** The new model's statuses: each organisation has its own. */
@Entity
@Table(name = "incident_statuses", uniqueConstraints = @UniqueConstraint(columnNames = {"organisation_id", "name"}))
public class IncidentStatusRow {

    @Id
    public Long id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    public String name;

    protected IncidentStatusRow() {}

    public IncidentStatusRow(long id, String organisationId, String name) {
        this.id = id;
        this.organisationId = organisationId;
        this.name = name;
    }
}
