package io.dualrepo.sample.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;
import org.hibernate.annotations.DynamicUpdate;
import org.jspecify.annotations.Nullable;

/**
 * The new model's view of {@code incidents}: a reference to one of the organisation's statuses instead of text.
 * In one database it is the same table as the old model's (the new column is null until the row is migrated);
 * with the new model in a database of its own it is a table there, and the column is never null.
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

    // Null in a row the old model wrote alone (one table): the new model does not hold it.
    @Column(name = "incident_status_id")
    @Nullable Long statusId;

    protected StatusIncidentRow() {}

    StatusIncidentRow(String id, String organisationId, String title, Long statusId) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
        this.statusId = statusId;
    }

    /** The status of a row this model holds: it reads no row whose status is null. */
    long heldStatusId() {
        return Objects.requireNonNull(statusId, "statusId");
    }
}
