package io.dualrepo.hibernate.mapped;

/**
 * The migration's conversion, as a first attempt writes it: first name up to the first space, last name the rest,
 * both trimmed. Names with runs of spaces or spaces at either end do not come back as they were, and a null name
 * becomes two nulls.
 */
final class Names {

    private Names() {}

    static String[] split(String name) {
        if (name == null) {
            return new String[] {null, null};
        }
        String trimmed = name.trim();
        int space = trimmed.indexOf(' ');
        return space < 0 ? new String[] {trimmed, null}
                : new String[] {trimmed.substring(0, space), trimmed.substring(space + 1).trim()};
    }

    static String join(String first, String last) {
        if (first == null && last == null) {
            return null;
        }
        return last == null ? first : first + " " + last;
    }

    /** Whether a name survives the split and the join unchanged. */
    static boolean roundTrips(String name) {
        String[] parts = split(name);
        return java.util.Objects.equals(join(parts[0], parts[1]), name);
    }
}
