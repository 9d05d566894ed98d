package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A text-keyed old model: keys whose order differs between Java and a linguistic collation. */
@Entity
@Table(name = "tags")
public class TagRow {

    @Id
    String id;

    String label;

    protected TagRow() {}

    TagRow(String id, String label) {
        this.id = id;
        this.label = label;
    }
}
