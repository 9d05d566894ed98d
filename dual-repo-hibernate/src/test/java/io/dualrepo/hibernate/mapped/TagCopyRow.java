package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The text-keyed new model: {@code tags_v2}, the label upper-cased. */
@Entity
@Table(name = "tags_v2")
public class TagCopyRow {

    @Id
    String id;

    String label;

    protected TagCopyRow() {}

    TagCopyRow(String id, String label) {
        this.id = id;
        this.label = label;
    }
}
