package io.dualrepo.spring.data.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The new model's row: the team by its id in the team table, found by the mapping inside the call's transaction. */
@Entity
@Table(name = "members")
public class MemberRow {

    @Id
    String id = "";

    @Column(nullable = false)
    String name = "";

    @Column(nullable = false)
    long teamId;

    protected MemberRow() {}

    MemberRow(String id, String name, long teamId) {
        this.id = id;
        this.name = name;
        this.teamId = teamId;
    }
}
