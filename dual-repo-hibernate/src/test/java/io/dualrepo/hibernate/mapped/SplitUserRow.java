package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The new model in a table of its own: {@code users_v2.first_name} and {@code last_name}. */
@Entity
@Table(name = "users_v2")
public class SplitUserRow {

    @Id
    Long id;

    @Column(name = "first_name", length = 100)
    String firstName;

    @Column(name = "last_name", length = 100)
    String lastName;

    protected SplitUserRow() {}

    static SplitUserRow of(User user) {
        SplitUserRow row = new SplitUserRow();
        row.id = user.id();
        String[] parts = Names.split(user.name());
        row.firstName = parts[0];
        row.lastName = parts[1];
        return row;
    }

    User toUser() {
        return new User(id, Names.join(firstName, lastName));
    }
}
