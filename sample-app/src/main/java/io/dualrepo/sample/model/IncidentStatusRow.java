package io.dualrepo.sample.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/** The new model's {@code incident_statuses}: each organisation configures its own. */
@Entity
@Table(name = "incident_statuses")
public class IncidentStatusRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Nullable Long id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String name;

    @Column(nullable = false)
    String description;

    protected IncidentStatusRow() {}

    IncidentStatusRow(String organisationId, String name, String description) {
        this.organisationId = organisationId;
        this.name = name;
        this.description = description;
    }
}
