package io.dualrepo.metrics;

/**
 * The runtime's meter names, for code that looks meters up ({@code registry.find(DualRepoMetrics.COMPARISONS)}),
 * and the tags and tag values they carry. Each name is its {@link CoreMeters} entry's, where type, tags and
 * description are given. Tag values are always bounded: repository and method names, sides, outcomes and reasons;
 * never an argument or an id.
 */
public final class DualRepoMetrics {

    /** {@link CoreMeters#CALLS}. */
    public static final String CALLS = CoreMeters.CALLS.meterName();
    /** {@link CoreMeters#CALL_LATENCY}. */
    public static final String CALL_LATENCY = CoreMeters.CALL_LATENCY.meterName();
    /** {@link CoreMeters#COMPARISONS}. */
    public static final String COMPARISONS = CoreMeters.COMPARISONS.meterName();
    /** {@link CoreMeters#COMPARISONS_SKIPPED}. */
    public static final String COMPARISONS_SKIPPED = CoreMeters.COMPARISONS_SKIPPED.meterName();
    /** {@link CoreMeters#MISMATCH_RECHECKS}. */
    public static final String MISMATCH_RECHECKS = CoreMeters.MISMATCH_RECHECKS.meterName();
    /** {@link CoreMeters#MISMATCH_LOGS_SUPPRESSED}. */
    public static final String MISMATCH_LOGS_SUPPRESSED = CoreMeters.MISMATCH_LOGS_SUPPRESSED.meterName();
    /** {@link CoreMeters#SECONDARY_WRITE_FAILURES}. */
    public static final String SECONDARY_WRITE_FAILURES = CoreMeters.SECONDARY_WRITE_FAILURES.meterName();
    /** {@link CoreMeters#READ_THROUGH_FALLBACKS}. */
    public static final String READ_THROUGH_FALLBACKS = CoreMeters.READ_THROUGH_FALLBACKS.meterName();
    /** {@link CoreMeters#READ_THROUGH_COPIES}. */
    public static final String READ_THROUGH_COPIES = CoreMeters.READ_THROUGH_COPIES.meterName();
    /** {@link CoreMeters#READ_THROUGH_STITCHES}. */
    public static final String READ_THROUGH_STITCHES = CoreMeters.READ_THROUGH_STITCHES.meterName();
    /** {@link CoreMeters#READ_THROUGH_STITCHED_ELEMENTS}. */
    public static final String READ_THROUGH_STITCHED_ELEMENTS = CoreMeters.READ_THROUGH_STITCHED_ELEMENTS.meterName();
    /** {@link CoreMeters#ROUTE_CHANGES}. */
    public static final String ROUTE_CHANGES = CoreMeters.ROUTE_CHANGES.meterName();
    /** {@link CoreMeters#ROUTE_REFUSED}. */
    public static final String ROUTE_REFUSED = CoreMeters.ROUTE_REFUSED.meterName();
    /** {@link CoreMeters#ROUTE_SOURCE_ERRORS}. */
    public static final String ROUTE_SOURCE_ERRORS = CoreMeters.ROUTE_SOURCE_ERRORS.meterName();
    /** {@link CoreMeters#HOOK_ERRORS}. */
    public static final String HOOK_ERRORS = CoreMeters.HOOK_ERRORS.meterName();

    public static final String TAG_REPOSITORY = "repository";
    public static final String TAG_METHOD = "method";
    /** {@code old} or {@code new}: the model a call went to, a write failed in, an element came from. */
    public static final String TAG_SIDE = "side";
    /**
     * Calls: {@code success}, {@code error}; comparisons: {@code match}, {@code mismatch}, {@code secondary_error},
     * {@code timeout}, {@code skipped}; rechecks: {@code resolved}, {@code confirmed}; copies: {@code success},
     * {@code error}, {@code skipped} (a write of the repository was running), {@code undone} (a write ran during the
     * copy, which was removed again), {@code unresolved} (it could not be: NEW is recorded as having missed a
     * write); stitches: {@code stitched}, {@code unkeyed}, {@code unmarked}.
     */
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";
    /** A circuit breaker's state: {@code closed}, {@code open}, {@code half_open}. */
    public static final String TAG_STATE = "state";
    /** A change of the comparison budget's share: {@code up} or {@code down}. */
    public static final String TAG_DIRECTION = "direction";

    public static final String OUTCOME_SUCCESS = "success";
    public static final String OUTCOME_ERROR = "error";

    private DualRepoMetrics() {}
}
