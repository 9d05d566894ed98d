package io.dualrepo.metrics;

/**
 * The names and tags of every meter dual-repo registers. Tag values are always bounded: repository and method
 * names, sides, outcomes and reasons; never an argument or an id.
 */
public final class DualRepoMetrics {

    /**
     * Function counter: model calls, every one counted exactly. Tags: repository, method, side, outcome (success,
     * error).
     */
    public static final String CALLS = "dualrepo.calls";
    /**
     * Timer: the latency of a sample of model calls: one call in 16 on callers' threads, chosen at random, and every
     * shadow read on the comparison threads. Its count is the number timed, not of calls (see {@link #CALLS}). Tags:
     * as {@link #CALLS}.
     */
    public static final String CALL_LATENCY = "dualrepo.call.latency";
    /** Counter: comparisons by outcome. Tags: repository, method, outcome (match, mismatch, ..., skipped). */
    public static final String COMPARISONS = "dualrepo.comparisons";
    /** Counter: skipped comparisons by reason. Tags: repository, method, reason. */
    public static final String COMPARISONS_SKIPPED = "dualrepo.comparisons.skipped";
    /**
     * Counter: background mismatches read again from both models, back to back, before being reported. Tags:
     * repository, method, outcome (resolved: they now agree, so a write came in between and the comparison counts
     * as a match; confirmed: reported as a mismatch).
     */
    public static final String MISMATCH_RECHECKS = "dualrepo.mismatch.rechecks";
    /** Counter: mismatches not logged because of the log bound (they are still counted). Tags: repository, method. */
    public static final String MISMATCH_LOGS_SUPPRESSED = "dualrepo.mismatch.logs.suppressed";
    /** Counter: writes the primary took and the secondary did not. Tags: repository, method, side (the failed one). */
    public static final String SECONDARY_WRITE_FAILURES = "dualrepo.secondary.write.failures";
    /** Counter: read-through reads answered by the old model. Tags: repository, method. */
    public static final String READ_THROUGH_FALLBACKS = "dualrepo.readthrough.fallbacks";
    /**
     * Counter: migrate-on-read copies into the new model. Tags: repository, method, outcome (success; error; skipped:
     * a write of the repository was running, so the copy was not made; undone: a write ran during the copy, which
     * was removed from the new model again; unresolved: a write ran during the copy and it could not be removed, so
     * the new model is recorded as having missed a write).
     */
    public static final String READ_THROUGH_COPIES = "dualrepo.readthrough.copies";
    /**
     * Counter: stitched read-through reads ({@code @ReadThrough(stitch = true)}). Tags: repository, method, outcome
     * (stitched: NEW's elements plus OLD's; unkeyed: an element had no usable identity, so OLD's answer was the
     * answer; unmarked: an element of OLD's lacked the {@code migratedWhen} marker, so likewise).
     */
    public static final String READ_THROUGH_STITCHES = "dualrepo.readthrough.stitches";
    /** Counter: the elements of stitched answers, by the model each came from. Tags: repository, method, side. */
    public static final String READ_THROUGH_STITCHED_ELEMENTS = "dualrepo.readthrough.stitched.elements";
    /** Counter: routes that took effect, replacing a different one. Tags: repository. */
    public static final String ROUTE_CHANGES = "dualrepo.route.changes";
    /** Counter: routes refused as invalid; the last valid route stayed in force. Tags: repository. */
    public static final String ROUTE_REFUSED = "dualrepo.route.refused";
    /** Counter: route source calls that threw; the last valid route was used. Tags: repository. */
    public static final String ROUTE_SOURCE_ERRORS = "dualrepo.route.source.errors";
    /** Counter: comparison listeners or failed-write sinks that threw. Tags: repository, method. */
    public static final String HOOK_ERRORS = "dualrepo.hook.errors";

    public static final String TAG_REPOSITORY = "repository";
    public static final String TAG_METHOD = "method";
    public static final String TAG_SIDE = "side";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";

    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_ERROR = "error";

    private DualRepoMetrics() {}
}
