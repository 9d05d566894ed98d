package io.dualrepo.hibernate.stitched;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The new store's row. */
@Entity
@Table(name = "members")
public class NewMemberRow {

    @Id
    long number;

    @Column(nullable = false)
    String name;

    @Column(nullable = false)
    String team;

    protected NewMemberRow() {}

    NewMemberRow(Member member) {
        this.number = member.number();
        copy(member);
    }

    void copy(Member member) {
        this.name = member.name();
        this.team = member.team();
    }

    Member toMember() {
        return new Member(number, name, team, false);
    }
}
