package io.dualrepo.routing;

import io.dualrepo.Side;

/** Whose answer the caller gets. */
public enum ReadSource {
    /** The old model answers. */
    OLD,
    /** The new model answers. */
    NEW,
    /**
     * Read-through (lazy migration): the new model answers, and where it has nothing for the request the old
     * model does. See {@link io.dualrepo.ReadThrough}.
     */
    NEW_THEN_OLD;

    /** The model that answers first, and is written first. */
    public Side primary() {
        return this == OLD ? Side.OLD : Side.NEW;
    }
}
