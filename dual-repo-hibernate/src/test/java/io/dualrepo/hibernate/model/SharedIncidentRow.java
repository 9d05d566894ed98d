package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The same-table case: the new model is a new column of the old table. {@code status} is the old model's,
 * {@code incident_status_id} (a status id, null until the row is migrated) the new model's.
 */
@Entity
@Table(name = "incidents")
public class SharedIncidentRow {

    @Id
    String id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    /** Null only for a row the new model wrote first (LIVE) before the old model's write in the same call. */
    @Column
    String status;

    @Column(name = "incident_status_id")
    Long statusId;

    protected SharedIncidentRow() {}

    SharedIncidentRow(String id, String organisationId, String title) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
    }
}
