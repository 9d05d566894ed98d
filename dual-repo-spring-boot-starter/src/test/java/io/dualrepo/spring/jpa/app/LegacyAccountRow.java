package io.dualrepo.spring.jpa.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model's row. */
@Entity
@Table(name = "legacy_accounts")
public class LegacyAccountRow {

    @Id
    String id = "";

    @Column(length = 100, nullable = false)
    String name = "";

    protected LegacyAccountRow() {}

    LegacyAccountRow(String id, String name) {
        this.id = id;
        this.name = name;
    }
}
