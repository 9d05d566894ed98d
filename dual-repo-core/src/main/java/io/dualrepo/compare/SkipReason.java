package io.dualrepo.compare;

/** Why a comparison was not made. */
public enum SkipReason {
    /** The call was not in the route's sample. Counted, but not sent to listeners (it is the common case). */
    NOT_SAMPLED,
    /** The secondary model's circuit breaker is open: it failed too often recently. */
    CIRCUIT_OPEN,
    /** Too many comparisons are already running or queued. */
    BULKHEAD_FULL,
    /** Read-through answered from the old model because the new had nothing: the old answer is the reference. */
    READ_THROUGH_FALLBACK,
    /**
     * A stitched read-through read ({@code @ReadThrough(stitch = true)}): its answer is made of both models' answers,
     * so there is no other model's answer to compare it with.
     */
    READ_THROUGH_STITCHED,
    /**
     * The route's sample picked the call, and the comparison budget ({@code DualRepo.Builder.comparisonBudget})
     * left it out: comparisons were slowing the callers' own reads past the budget.
     */
    BUDGET,
    /** The runtime is shutting down. */
    SHUTDOWN;

    /** The lower-case tag value used in metrics. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
