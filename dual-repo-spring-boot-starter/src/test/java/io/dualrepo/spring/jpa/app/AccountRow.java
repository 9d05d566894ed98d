package io.dualrepo.spring.jpa.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The new model's row, with a name column too short for some names: the new model's bug the tests provoke, which
 * the database reports only when the row is flushed.
 */
@Entity
@Table(name = "accounts")
public class AccountRow {

    static final int NAME_LENGTH = 8;

    @Id
    String id = "";

    @Column(length = NAME_LENGTH, nullable = false)
    String name = "";

    protected AccountRow() {}

    AccountRow(String id, String name) {
        this.id = id;
        this.name = name;
    }
}
