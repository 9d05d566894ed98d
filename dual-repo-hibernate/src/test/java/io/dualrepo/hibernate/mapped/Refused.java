package io.dualrepo.hibernate.mapped;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** Entities a mapped model refuses, each for one reason. */
final class Refused {

    private Refused() {}

    /** A generated id: fine to read, refused where the model writes. */
    @Entity
    @Table(name = "generated_ids")
    public static class GeneratedIdRow {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;

        String name;
    }

    /** A composite key. */
    @Entity
    @Table(name = "composite_ids")
    public static class CompositeIdRow {
        @EmbeddedId
        Key key;

        String name;
    }

    @Embeddable
    public static class Key implements Serializable {
        Long tenant;
        Long number;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && java.util.Objects.equals(tenant, k.tenant)
                    && java.util.Objects.equals(number, k.number);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(tenant, number);
        }
    }

    /** A UUID key. */
    @Entity
    @Table(name = "uuid_ids")
    public static class UuidIdRow {
        @Id
        UUID id;

        String name;
    }

    /** The users table again, without {@code @DynamicUpdate}. */
    @Entity
    @Table(name = "users")
    public static class StaticUpdateUserRow {
        @Id
        Long id;

        @Column(name = "first_name", length = 100)
        String firstName;

        @Column(name = "last_name", length = 100)
        String lastName;

        @Column(name = "migrated")
        Boolean migrated;
    }
}
