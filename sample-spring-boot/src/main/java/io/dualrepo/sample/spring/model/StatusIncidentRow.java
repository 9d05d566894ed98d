package io.dualrepo.sample.spring.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.jspecify.annotations.Nullable;

/**
 * The new model's view of {@code incidents}: a reference to one of the organisation's statuses instead of text.
 * The same table as the old model's; the new column is null until the row is migrated.
 */
@Entity
@Table(name = "incidents")
@DynamicUpdate
public class StatusIncidentRow {

    @Id
    String id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    // Null until the row is migrated: the new model does not hold it yet.
    @Column(name = "incident_status_id")
    @Nullable Long statusId;

    protected StatusIncidentRow() {}

    StatusIncidentRow(String id, String organisationId, String title, Long statusId) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
        this.statusId = statusId;
    }
}
