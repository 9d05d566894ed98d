package io.dualrepo.spring.hibernate.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The old model's row. */
@Entity
@Table(name = "legacy_books")
public class LegacyBookRow {

    @Id
    String id = "";

    String title = "";

    protected LegacyBookRow() {}

    LegacyBookRow(String id, String title) {
        this.id = id;
        this.title = title;
    }
}
