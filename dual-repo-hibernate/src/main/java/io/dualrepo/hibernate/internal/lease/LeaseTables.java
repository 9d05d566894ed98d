package io.dualrepo.hibernate.internal.lease;

import java.util.Locale;

/**
 * The names of a kind of job's two tables, {@code dualrepo_<kind>_checkpoint} and {@code dualrepo_<kind>_lease}: one
 * pair per kind, so that a backfill and a verification of the same migration (which share its name as their default
 * job name) never read each other's progress.
 *
 * @param checkpoint one row per job
 * @param lease one row per leased key range
 */
public record LeaseTables(String checkpoint, String lease) {

    public static final LeaseTables BACKFILL = of("backfill");
    public static final LeaseTables VERIFY = of("verify");

    /**
     * The tables of a kind of job; {@code kind} goes into SQL as it is, so it is checked. Private: the library creates
     * only the tables its shipped script declares, which are these two kinds'.
     */
    private static LeaseTables of(String kind) {
        if (!kind.matches("[a-z][a-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("a lease table kind is lower-case letters, digits and '_', was '"
                    + kind + "'");
        }
        return new LeaseTables("dualrepo_" + kind + "_checkpoint", "dualrepo_" + kind + "_lease");
    }

    String[] both() {
        return new String[] {checkpoint, lease};
    }

    /** Unquoted names are stored lower-case by PostgreSQL, upper-case by H2 and the standard. */
    static String[] spellings(String table) {
        return new String[] {table, table.toUpperCase(Locale.ROOT)};
    }
}
