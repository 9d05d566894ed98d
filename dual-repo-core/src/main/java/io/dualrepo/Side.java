package io.dualrepo;

/** One of the two models behind a {@link DualModel} repository. */
public enum Side {
    OLD,
    NEW;

    /** The other model. */
    public Side other() {
        return this == OLD ? NEW : OLD;
    }

    /** The lower-case tag value used in metrics and logs. */
    public String tag() {
        return this == OLD ? "old" : "new";
    }
}
