package io.dualrepo.record;

/** Where one model stands in a migration, as the {@link MigrationRecord} knows it. */
public enum SideStatus {
    /** Never written by this repository's dual writes: the state of the new model before the migration. */
    NOT_WRITTEN,
    /**
     * Written continuously since {@link SideState#since()}, for the first time; rows older than that may be
     * missing.
     */
    CATCHING_UP,
    /**
     * Written again since {@link SideState#since()} after a gap: besides missing rows, it may hold values older than
     * writes made during the gap, so it needs a backfill and a verification before it serves reads again.
     */
    RESYNCING,
    /** Holds every acknowledged write: it may serve reads. */
    COMPLETE,
    /** Not written since {@link SideState#since()}: it misses every write made since. */
    STALE;

    /** Whether dual writes reach a model in this status. */
    public boolean written() {
        return this == CATCHING_UP || this == RESYNCING || this == COMPLETE;
    }
}
