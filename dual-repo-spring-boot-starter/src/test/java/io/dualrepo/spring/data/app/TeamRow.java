package io.dualrepo.spring.data.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The new model's team table, which its mapping reads. */
@Entity
@Table(name = "teams")
public class TeamRow {

    @Id
    long id;

    @Column(nullable = false, unique = true)
    String name = "";

    protected TeamRow() {}

    TeamRow(long id, String name) {
        this.id = id;
        this.name = name;
    }
}
