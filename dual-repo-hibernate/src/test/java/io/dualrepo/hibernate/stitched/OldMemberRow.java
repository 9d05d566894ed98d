package io.dualrepo.hibernate.stitched;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old store's row, with the marker the migration sets once the row is in the new store. */
@Entity
@Table(name = "acquired_members")
public class OldMemberRow {

    @Id
    long number;

    @Column(nullable = false)
    String name;

    @Column(nullable = false)
    String team;

    @Column(nullable = false)
    boolean migrated;

    protected OldMemberRow() {}

    OldMemberRow(Member member) {
        this.number = member.number();
        copy(member);
    }

    void copy(Member member) {
        this.name = member.name();
        this.team = member.team();
    }

    Member toMember() {
        return new Member(number, name, team, migrated);
    }
}
