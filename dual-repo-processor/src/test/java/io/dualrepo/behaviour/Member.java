package io.dualrepo.behaviour;

import java.util.Comparator;

/**
 * A member of an acquired company's user base, moved from the old store to the new one as it is touched (the
 * store-move playbook's lazy migration). {@code migrated} is the old store's marker: true once the row is in the new
 * store, which alone answers for it from then on.
 */
public record Member(String id, String name, String team, boolean migrated) {

    static Member of(String id, String name, String team) {
        return new Member(id, name, team, false);
    }

    Member renamed(String newName) {
        return new Member(id, newName, team, migrated);
    }

    Member markedMigrated() {
        return new Member(id, name, team, true);
    }

    /** The order of {@code findByTeamOrderByName}, as both stores sort it. */
    public static final class ByName implements Comparator<Member> {
        @Override
        public int compare(Member a, Member b) {
            return a.name().compareTo(b.name());
        }
    }

    /** A value with no identity, to see what a stitched read does with elements it cannot tell apart. */
    public record Label(String text) {}
}
