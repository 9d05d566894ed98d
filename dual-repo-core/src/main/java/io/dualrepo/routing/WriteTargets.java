package io.dualrepo.routing;

import io.dualrepo.Side;

/** Which models a write reaches. */
public enum WriteTargets {
    OLD,
    NEW,
    BOTH;

    public boolean includes(Side side) {
        return this == BOTH || (side == Side.OLD ? this == OLD : this == NEW);
    }
}
