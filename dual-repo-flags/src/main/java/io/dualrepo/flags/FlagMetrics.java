package io.dualrepo.flags;

/**
 * The meters of the flags module, beside the runtime's ({@link io.dualrepo.metrics.DualRepoMetrics}; route
 * changes are counted there, in {@code dualrepo.route.changes}).
 */
public final class FlagMetrics {

    /** Counter: flag decisions that failed because the Unleash SDK threw; the key kept its last route. Tags: repository. */
    public static final String ERRORS = "dualrepo.flags.errors";

    /**
     * Counter: flag values that named no stage, or made a route the runtime refuses; the last valid route stayed.
     * Tags: repository.
     */
    public static final String REFUSED = "dualrepo.flags.refused";

    private FlagMetrics() {}
}
