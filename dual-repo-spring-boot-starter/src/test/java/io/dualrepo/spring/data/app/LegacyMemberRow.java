package io.dualrepo.spring.data.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model's row: "name@team" in one column, and the team again for the query by team. */
@Entity
@Table(name = "legacy_members")
public class LegacyMemberRow {

    @Id
    String id = "";

    @Column(nullable = false)
    String label = "";

    @Column(nullable = false)
    String teamName = "";

    protected LegacyMemberRow() {}

    LegacyMemberRow(String id, String label, String teamName) {
        this.id = id;
        this.label = label;
        this.teamName = teamName;
    }

    static LegacyMemberRow of(Member member) {
        return new LegacyMemberRow(member.id(), member.name() + "@" + member.team(), member.team());
    }

    Member toMember() {
        return new Member(id, label.substring(0, label.lastIndexOf('@')), teamName);
    }
}
