package io.dualrepo.benchmarks.endtoend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model's row: the status as text. */
@Entity
@Table(name = "incidents")
public class LegacyIncidentRow {

    @Id
    long id;

    @Column(name = "organisation_id")
    String organisationId;

    String title;

    String status;

    Incident toIncident() {
        return new Incident(id, organisationId, title, status);
    }
}
