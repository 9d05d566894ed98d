package io.dualrepo.sample.spring.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An organisation: it owns incidents, and in the new model a set of statuses of its own. */
@Entity
@Table(name = "organisations")
public class OrganisationRow {

    @Id
    String id;

    @Column(nullable = false)
    String name;

    protected OrganisationRow() {}

    OrganisationRow(String id, String name) {
        this.id = id;
        this.name = name;
    }
}
