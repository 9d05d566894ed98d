package io.dualrepo.compare;

/** How one comparison of a read ended. Every read that is compared, or could have been, ends in exactly one. */
public enum Outcome {
    /** Both models gave equivalent answers, or both threw the same kind of exception. */
    MATCH,
    /** The answers differ. */
    MISMATCH,
    /** The secondary model threw while the primary answered. */
    SECONDARY_ERROR,
    /** The secondary model did not answer in time. */
    TIMEOUT,
    /** The comparison was not made; see {@link SkipReason}. */
    SKIPPED;

    /** The lower-case tag value used in metrics. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
