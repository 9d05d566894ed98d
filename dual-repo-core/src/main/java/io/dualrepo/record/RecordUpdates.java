package io.dualrepo.record;

import io.dualrepo.routing.Route;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/** The compare-and-set loop every change of the record goes through. */
final class RecordUpdates {

    // Instances of a fleet change the record rarely (route changes, job results): a few rounds settle any race.
    private static final int MAX_ROUNDS = 50;

    private RecordUpdates() {}

    /**
     * @param change the change for a state read just now, or null when there is nothing to record
     * @param routeChange whether the entry names the route before and after
     */
    static MigrationState update(MigrationRecord record, String repository,
            Function<MigrationState, Transitions.Change> change, Origin origin, String by, boolean routeChange) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            MigrationState state = record.state(repository);
            Transitions.Change made = change.apply(state);
            if (made == null) {
                return state;
            }
            MigrationState proposed = made.next();
            MigrationState next = new MigrationState(state.version() + 1, proposed.route(), proposed.routeSince(),
                    proposed.oldSide(), proposed.newSide());
            RecordEntry entry = new RecordEntry(now(), origin, routeChange ? state.route() : null,
                    routeChange ? next.route() : null, made.detail(), by);
            if (record.compareAndSet(repository, state.version(), next, entry)) {
                return next;
            }
        }
        throw new IllegalStateException(repository + ": the migration record kept changing under " + MAX_ROUNDS
                + " attempts to record a " + origin + " entry");
    }

    /** Now, to the microsecond: what databases keep, so that a state read back equals the one written. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String describeRoute(MigrationState before, MigrationState after) {
        if (before.version() == 0) {
            return "the record starts for this repository on " + describe(after.route());
        }
        StringBuilder text = new StringBuilder(describe(before.route())).append(" -> ").append(describe(after.route()));
        for (io.dualrepo.Side side : io.dualrepo.Side.values()) {
            if (before.side(side).status() != after.side(side).status()) {
                text.append("; ").append(side).append(' ').append(before.side(side).status()).append(" -> ")
                        .append(after.side(side).status());
            }
        }
        return text.toString();
    }

    private static String describe(Route route) {
        for (io.dualrepo.routing.Stage stage : io.dualrepo.routing.Stage.values()) {
            if (stage.route().equals(route)) {
                return stage.name();
            }
        }
        return "(" + route + ")";
    }
}
