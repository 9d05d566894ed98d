package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/** The old model: {@code users.name}, whole and nullable. Ids are the application's. */
@Entity
@Table(name = "users")
@DynamicUpdate
public class UserRow {

    @Id
    Long id;

    @Column(length = 300)
    String name;

    protected UserRow() {}

    UserRow(Long id, String name) {
        this.id = id;
        this.name = name;
    }

    User toUser() {
        return new User(id, name);
    }
}
