package io.dualrepo.benchmarks.backfill;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of the new table as Hibernate maps it, for the {@link Writer#STATELESS} writer: the status is its id, as
 * the backfill resolved it, so that an insert needs no status entity.
 */
@Entity
@Table(name = "incidents_v2")
public class IncidentV2Row {

    @Id
    Long id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    @Column(name = "incident_status_id", nullable = false)
    Long statusId;

    protected IncidentV2Row() {}

    IncidentV2Row(long id, String organisationId, String title, long statusId) {
        this.id = id;
        this.organisationId = organisationId;
        this.title = title;
        this.statusId = statusId;
    }
}
