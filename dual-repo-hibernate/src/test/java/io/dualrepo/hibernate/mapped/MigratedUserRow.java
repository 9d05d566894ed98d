package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/**
 * The new model in the old table: {@code users.first_name} and {@code last_name} beside {@code name}, and a
 * {@code migrated} marker, because a user without a name is both null columns migrated and a row not migrated yet.
 */
@Entity
@Table(name = "users")
@DynamicUpdate
public class MigratedUserRow {

    @Id
    Long id;

    @Column(name = "first_name", length = 100)
    String firstName;

    @Column(name = "last_name", length = 100)
    String lastName;

    @Column(name = "migrated")
    Boolean migrated;

    protected MigratedUserRow() {}

    static MigratedUserRow of(User user) {
        MigratedUserRow row = new MigratedUserRow();
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
