package io.dualrepo.benchmarks.backfill;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the old table as Hibernate maps it, for the mapped models ({@link MappedIncidents}). */
@Entity
@Table(name = "incidents")
public class LegacyIncidentRow {

    @Id
    Long id;

    @Column(name = "organisation_id", nullable = false)
    String organisationId;

    @Column(nullable = false)
    String title;

    @Column(nullable = false)
    String status;

    protected LegacyIncidentRow() {}
}
