package io.dualrepo.benchmarks.endtoend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One of an organisation's statuses in the new model. */
@Entity
@Table(name = "incident_statuses")
public class IncidentStatusRow {

    @Id
    long id;

    @Column(name = "organisation_id")
    String organisationId;

    String name;
}
