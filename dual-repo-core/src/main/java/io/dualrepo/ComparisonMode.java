package io.dualrepo;

/** Where and how shadow reads are compared. */
public enum ComparisonMode {
    /**
     * The secondary read runs on a bounded pool after the primary has answered; the caller never waits for it.
     * The default, and the only mode for production.
     */
    ASYNC,
    /** The secondary read runs on the caller's thread before the call returns: deterministic, for tests. */
    SYNC,
    /**
     * Like {@link #SYNC}, and a mismatch or a secondary error throws {@link MismatchException} to the caller:
     * for test suites that must fail when the models disagree.
     */
    STRICT
}
