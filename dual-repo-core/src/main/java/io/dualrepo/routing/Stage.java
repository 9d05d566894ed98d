package io.dualrepo.routing;

/** The usual steps of a migration, each a preset of the three switches. */
public enum Stage {
    /** Before the migration: the old model only. */
    OLD_ONLY(ReadSource.OLD, WriteTargets.OLD, Comparison.OFF),
    /** The new model is written too, so that it stops falling behind; the backfill copies the rest. */
    DUAL_WRITE(ReadSource.OLD, WriteTargets.BOTH, Comparison.OFF),
    /** Reads also go to the new model, off the caller's path, and are compared. */
    SHADOW(ReadSource.OLD, WriteTargets.BOTH, Comparison.ALWAYS),
    /** The new model answers; the old is still written and compared, so rolling back loses nothing. */
    LIVE(ReadSource.NEW, WriteTargets.BOTH, Comparison.ALWAYS),
    /** The new model answers; the old is still written but no longer compared. */
    RAMPDOWN(ReadSource.NEW, WriteTargets.BOTH, Comparison.OFF),
    /** After the migration: the new model only. */
    NEW_ONLY(ReadSource.NEW, WriteTargets.NEW, Comparison.OFF);

    private final Route route;

    Stage(ReadSource read, WriteTargets write, Comparison compare) {
        this.route = new Route(read, write, compare);
    }

    public Route route() {
        return route;
    }

    /** Lazy migration: answer from NEW, fall back to OLD where NEW has nothing; writes go to both. */
    public static Route readThrough(Comparison compare) {
        return new Route(ReadSource.NEW_THEN_OLD, WriteTargets.BOTH, compare);
    }
}
