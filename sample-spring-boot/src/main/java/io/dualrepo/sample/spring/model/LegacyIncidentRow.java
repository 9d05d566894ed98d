package io.dualrepo.sample.spring.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
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

    // Null in a row the new model wrote alone: the old model does not hold it.
    @Column
    @Nullable String status;

    protected LegacyIncidentRow() {}

    LegacyIncidentRow(String id, String organisationId, String title, String status) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
        this.status = status;
    }
}
