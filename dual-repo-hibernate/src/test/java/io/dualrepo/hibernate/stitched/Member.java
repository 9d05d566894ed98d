package io.dualrepo.hibernate.stitched;

import jakarta.persistence.Id;
import java.util.Comparator;

/**
 * A user of an acquired company, moved from its old store into the new one as it is touched. The identity is the
 * {@code @Id} number, as JPA marks it. {@code migrated} is the old store's marker; the new store leaves it false.
 */
public record Member(@Id long number, String name, String team, boolean migrated) {

    Member renamed(String newName) {
        return new Member(number, newName, team, migrated);
    }

    /** Both stores' {@code order by name}: the names here are lower-case ASCII, which every collation sorts alike. */
    public static final class ByName implements Comparator<Member> {
        @Override
        public int compare(Member a, Member b) {
            return a.name().compareTo(b.name());
        }
    }
}
