package io.dualrepo.record;

import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import java.time.Instant;
import java.util.Objects;

/**
 * What the record holds for one repository now.
 *
 * @param version increases with every change; {@link MigrationRecord#compareAndSet} changes a state only from the
 *     version its caller read, so that instances of a fleet never overwrite each other's changes
 * @param route the route last taken by any instance: what an instance starting without its route source uses
 * @param routeSince when that route took effect
 * @param oldSide the old model's standing
 * @param newSide the new model's standing
 */
public record MigrationState(long version, Route route, Instant routeSince, SideState oldSide, SideState newSide) {

    public MigrationState {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(routeSince, "routeSince");
        Objects.requireNonNull(oldSide, "oldSide");
        Objects.requireNonNull(newSide, "newSide");
    }

    /**
     * A repository the record has never seen: the old model complete (it has been the only one), the new one never
     * written, the route {@link Stage#OLD_ONLY}. Version 0: nothing stored yet.
     */
    public static MigrationState initial(Instant now) {
        return new MigrationState(0, Stage.OLD_ONLY.route(), now, SideState.of(SideStatus.COMPLETE, now),
                SideState.of(SideStatus.NOT_WRITTEN, now));
    }

    public SideState side(Side side) {
        return side == Side.OLD ? oldSide : newSide;
    }

    MigrationState with(Side side, SideState state) {
        return side == Side.OLD
                ? new MigrationState(version, route, routeSince, state, newSide)
                : new MigrationState(version, route, routeSince, oldSide, state);
    }

    MigrationState withRoute(Route route, Instant since) {
        return new MigrationState(version, route, since, oldSide, newSide);
    }
}
