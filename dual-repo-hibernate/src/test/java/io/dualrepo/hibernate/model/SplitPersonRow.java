package io.dualrepo.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The new model: first and last name, 100 characters each. The not-null constraints are the database's alone
 * (the mapping leaves {@code nullable} alone), so a missing last name is refused by the database, with its
 * SQLState, as a schema made by Flyway would refuse it.
 */
@Entity
@Table(name = "persons_v2")
public class SplitPersonRow {

    @Id
    String id;

    @Column(name = "first_name", columnDefinition = "varchar(100) not null")
    String firstName;

    @Column(name = "last_name", columnDefinition = "varchar(100) not null")
    String lastName;

    protected SplitPersonRow() {}

    SplitPersonRow(Person person) {
        this.id = person.id();
        copy(person);
    }

    /**
     * The migration's conversion: the name split at its last space. A null name throws (as conversions written
     * for the data one expects do); a single word leaves the last name null.
     */
    void copy(Person person) {
        String name = person.name();
        int space = name.lastIndexOf(' ');
        this.firstName = space < 0 ? name : name.substring(0, space);
        this.lastName = space < 0 ? null : name.substring(space + 1);
    }

    Person toPerson() {
        return new Person(id, firstName + " " + lastName);
    }
}
