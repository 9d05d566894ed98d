package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model: the name in one nullable column. */
@Entity
@Table(name = "persons")
public class LegacyPersonRow {

    @Id
    String id;

    @Column(length = 300)
    String name;

    protected LegacyPersonRow() {}

    LegacyPersonRow(Person person) {
        this.id = person.id();
        this.name = person.name();
    }

    Person toPerson() {
        return new Person(id, name);
    }
}
