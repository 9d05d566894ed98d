package io.dualrepo.record;

import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a fleet keeps its migration record: one {@link MigrationState} per repository and its history. {@code
 * dual-repo-hibernate} keeps it in the database next to the data, shared by every instance; {@link #inMemory()}
 * serves core-only use and tests. Implementations store; the rules are {@link Transitions}', applied by the default
 * methods here, so every store enforces the same ones.
 *
 * <p>The runtime reads the record when a route changes, when it starts (so that an instance starting without its
 * flag service routes by the last route the fleet took), and, throttled by {@link #recheckInterval()}, while a
 * refused route is still offered. The request path never reads it otherwise: with an interval of zero, a call that
 * finds the refused route still offered reads the state only to see whether its version moved, and judges the route
 * again only then (or once the settle time that refused it has passed).
 */
public interface MigrationRecord {

    /** The state of one repository, or empty when the record holds nothing for it yet. */
    Optional<MigrationState> read(String repository);

    /**
     * Stores {@code next} and appends {@code entry} to the history, both or neither, if the stored state's version
     * is still {@code expectedVersion} (0: nothing stored yet). {@code next.version()} is {@code expectedVersion + 1}.
     *
     * @return false when another writer changed the state first; the caller reads it again and decides anew
     */
    boolean compareAndSet(String repository, long expectedVersion, MigrationState next, RecordEntry entry);

    /** The newest {@code limit} entries of a repository's history, newest first. */
    List<RecordEntry> history(String repository, int limit);

    /**
     * How long a change of route takes to reach every instance (the flag service's polling, caches), and every call
     * that took the route before it to return. Writes to a model stop no sooner than this after reads moved off it;
     * a backfill counts, read-through starts and a force is taken only this long after the model began to be written.
     * Default zero: one process whose calls never run across a route change, or routes that reach every instance at
     * once.
     */
    default Duration settleTime() {
        return Duration.ZERO;
    }

    /**
     * How often a route refused earlier is judged again while it is still offered; the record is not read in between.
     * Default zero: judged again as soon as the state's version has moved, or the settle time it was refused for has
     * passed, which costs a call one {@link #read} to find out; fit for a record whose reads are that cheap.
     */
    default Duration recheckInterval() {
        return Duration.ZERO;
    }

    /** A record held in this process's memory: for core-only use, where one process is the whole fleet, and tests. */
    static MigrationRecord inMemory() {
        return new InMemoryMigrationRecord(Duration.ZERO);
    }

    /** As {@link #inMemory()}, with a settle time. */
    static MigrationRecord inMemory(Duration settleTime) {
        return new InMemoryMigrationRecord(settleTime);
    }

    /** The state of a repository; {@link MigrationState#initial} when nothing is stored. */
    default MigrationState state(String repository) {
        return read(repository).orElseGet(() -> MigrationState.initial(RecordUpdates.now()));
    }

    /**
     * Records that {@code route} took effect, after checking it against the rules (unless {@code enforce} is false,
     * when only its own validity is checked). Used by the runtime when a route source offers a new route.
     *
     * @return the state after it
     * @throws RouteRefusedException when the rules refuse it; nothing is recorded
     */
    default MigrationState takeRoute(String repository, Route route, boolean enforce, Origin origin, String by) {
        Objects.requireNonNull(route, "route");
        return RecordUpdates.update(this, repository, state -> {
            Instant now = RecordUpdates.now();
            Optional<String> problem = enforce
                    ? Transitions.refusal(state, route, settleTime(), now)
                    : route.problem();
            if (problem.isPresent()) {
                throw new RouteRefusedException(route, problem.get());
            }
            if (route.equals(state.route()) && state.version() > 0) {
                return null;
            }
            MigrationState next = Transitions.take(state, route, now);
            return new Transitions.Change(next, RecordUpdates.describeRoute(state, next));
        }, origin, by, true);
    }

    /**
     * Records a backfill's result. It makes {@code target} complete only together with a clean verification that
     * starts after it, and counts only if it started after {@code target} began to be written (plus the settle time)
     * and rejected no row.
     */
    default MigrationState recordBackfill(String repository, Side target, Instant startedAt, Instant finishedAt,
            long rejectedRows, String by) {
        return RecordUpdates.update(this, repository,
                state -> Transitions.backfilled(state, target, startedAt, finishedAt, rejectedRows, settleTime()),
                Origin.BACKFILL, by, false);
    }

    /**
     * Records a verification's result: a clean one that started after a counted backfill makes its target complete,
     * and accounts for missed writes that happened before it started.
     *
     * @param summary for people, e.g. "4,133 keys on each side"; never a value from the data
     */
    default MigrationState recordVerification(String repository, Instant startedAt, boolean clean, String summary,
            String by) {
        return RecordUpdates.update(this, repository,
                state -> Transitions.verified(state, startedAt, clean, summary, settleTime()), Origin.VERIFICATION,
                by, false);
    }

    /**
     * Records a verification that found every row {@code side} holds equal to the other model's, though rows were
     * missing from it: the evidence read-through needs in a fleet ({@link Transitions}). A clean verification ({@link
     * #recordVerification}) is that evidence too.
     *
     * @param summary for people; never a value from the data
     */
    default MigrationState recordRowsVerified(String repository, Side side, Instant startedAt, String summary,
            String by) {
        return RecordUpdates.update(this, repository,
                state -> Transitions.rowsVerified(state, side, startedAt, summary, settleTime()),
                Origin.VERIFICATION, by, false);
    }

    /**
     * Declares {@code side} complete without the evidence the rules ask for, on record: the entry names who and why.
     * Whatever writes it missed stay missed; use it when a migration was under way before this record existed, or when
     * its data was repaired by other means.
     *
     * @throws IllegalStateException when the route in force does not write {@code side}, or has written it for less
     *     than the {@linkplain #settleTime() settle time}: the writes it would miss after the force would count as
     *     held
     */
    default MigrationState force(String repository, Side side, String reason, String by) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a force needs a reason, for the record");
        }
        return RecordUpdates.update(this, repository,
                state -> Transitions.forced(state, side, reason, settleTime(), RecordUpdates.now()),
                Origin.FORCE, by, false);
    }

    /**
     * Records that {@code side} did not take a dual write and nothing durable will repair it: until a clean
     * verification started after {@code at}, it serves no reads. Only the first such write is stored.
     */
    default MigrationState recordMissedWrite(String repository, Side side, Instant at, String by) {
        return RecordUpdates.update(this, repository, state -> {
            Transitions.Change change = Transitions.missed(state, side, at);
            return change.next() == state ? null : change;
        }, Origin.MISSED_WRITE, by, false);
    }
}
