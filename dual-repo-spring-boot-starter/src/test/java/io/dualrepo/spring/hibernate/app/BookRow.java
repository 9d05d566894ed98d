package io.dualrepo.spring.hibernate.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The new model's row. */
@Entity
@Table(name = "books")
public class BookRow {

    @Id
    String id = "";

    String title = "";

    protected BookRow() {}

    BookRow(String id, String title) {
        this.id = id;
        this.title = title;
    }
}
