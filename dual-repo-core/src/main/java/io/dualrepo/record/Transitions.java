package io.dualrepo.record;

import io.dualrepo.Side;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules a route change must pass, and how each event changes the record. A route is judged against the
 * record, not against the route the calling instance had: the record is what the whole fleet did.
 *
 * <ul>
 *   <li>A model serves reads only while it is {@linkplain SideState#servesReads() complete}: written continuously
 *       since a clean backfill into it and a clean verification after that, or since it was the only model, or
 *       declared complete by a force on record.
 *   <li>A model that stops being written is {@link SideStatus#STALE}; written again, it is {@link
 *       SideStatus#RESYNCING} and needs a backfill and a verification (or a force) before it serves reads.
 *   <li>Writes to a model stop only when the route in force did not read it for at least the record's {@linkplain
 *       MigrationRecord#settleTime() settle time}: instances still on that route would read a model nobody writes.
 *   <li>Read-through ({@link ReadSource#NEW_THEN_OLD}) needs the old model complete, and a new model that never had
 *       a gap in its writes: a new model that was stale may hold values older than writes made meanwhile, and a
 *       read-through read would answer with them. With a settle time (a fleet), also a new model whose rows a
 *       verification found equal to the old model's once the settle time had passed since it began to be written:
 *       instances still on the route before may have written the old model alone over rows the new one held.
 * </ul>
 */
public final class Transitions {

    private Transitions() {}

    /** Why {@code route} must not take effect after {@code state}, or empty when it may. */
    public static Optional<String> refusal(MigrationState state, Route route, Duration settleTime, Instant now) {
        Optional<String> invalid = route.problem();
        if (invalid.isPresent()) {
            return invalid;
        }
        if (route.equals(state.route())) {
            return Optional.empty();
        }
        Optional<String> reads = readRefusal(state, route, settleTime, now);
        if (reads.isPresent()) {
            return reads;
        }
        for (Side side : Side.values()) {
            if (state.route().write().includes(side) && !route.write().includes(side)) {
                Optional<String> stop = stopWriting(state, side, settleTime, now);
                if (stop.isPresent()) {
                    return stop;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why the models {@code route} reads from must not serve reads after {@code state}, or empty when they may: the
     * part of {@link #refusal} that applies to a route offered for some routing keys only, whose writes are the
     * repository's.
     */
    public static Optional<String> readRefusal(MigrationState state, Route route, Duration settleTime, Instant now) {
        Optional<String> invalid = route.problem();
        if (invalid.isPresent()) {
            return invalid;
        }
        if (route.read() == ReadSource.NEW_THEN_OLD) {
            Optional<String> old = notServing(state, Side.OLD, "read-through falls back to it");
            if (old.isPresent()) {
                return old;
            }
            SideState newSide = state.newSide();
            if (newSide.status() == SideStatus.STALE || newSide.status() == SideStatus.RESYNCING
                    || newSide.missedSince() != null) {
                return Optional.of("read-through answers from NEW wherever it has a row, but NEW " + describe(newSide)
                        + ", so it may hold values older than acknowledged writes. Re-sync it first: write both,"
                        + " backfill into NEW, verify clean (or force NEW complete, on record)");
            }
            if (!settleTime.isZero()) {
                Optional<String> rows = unverifiedRows(state, settleTime);
                if (rows.isPresent()) {
                    return rows;
                }
            }
        } else {
            Optional<String> reader = notServing(state, route.primary(), "reads would come from it");
            if (reader.isPresent()) {
                return reader;
            }
        }
        return Optional.empty();
    }

    /**
     * Read-through answers from every row NEW holds, with no verification of its own, and a fleet takes the settle
     * time to follow a route change: instances still on a route that did not write NEW may have written OLD alone
     * over rows NEW already held (found by the model-based test). So NEW's rows must have been found equal to OLD's
     * by a verification that started once the settle time had passed since NEW began to be written.
     */
    private static Optional<String> unverifiedRows(MigrationState state, Duration settleTime) {
        SideState newSide = state.newSide();
        if (newSide.servesReads()) {
            return Optional.empty();
        }
        if (!state.route().write().includes(Side.NEW)) {
            return Optional.of("read-through answers from NEW wherever it has a row, but the route in force ("
                    + state.route() + ") does not write NEW: instances still on it would write OLD alone over rows"
                    + " NEW holds. Write both first (DUAL_WRITE); after the settle time (" + settleTime + "), verify"
                    + " (a verification that finds every row NEW holds equal to OLD's is enough), then read through");
        }
        Instant countsFrom = newSide.since().plus(settleTime);
        if (newSide.rowsVerifiedAt() == null) {
            return Optional.of("read-through answers from NEW wherever it has a row, and instances that had not yet"
                    + " followed the route that began writing NEW (at " + newSide.since() + ", settle time "
                    + settleTime + ") may have written OLD alone over rows NEW held. Verify after " + countsFrom
                    + " (a verification that finds every row NEW holds equal to OLD's is enough; rows missing from"
                    + " NEW are read through), then read through");
        }
        return Optional.empty();
    }

    private static Optional<String> notServing(MigrationState state, Side side, String why) {
        SideState standing = state.side(side);
        if (standing.servesReads()) {
            return Optional.empty();
        }
        String todo = switch (standing.status()) {
            case NOT_WRITTEN, STALE -> "write both models, " + backfillInto(side) + ", then verify clean";
            case CATCHING_UP, RESYNCING -> standing.backfilledAt() == null
                    ? backfillInto(side) + " (one that starts after the settle time that followed "
                            + standing.since() + " and reads every row), then verify clean"
                    : "verify clean (the verification must start after the backfill ended, "
                            + standing.backfilledAt() + ")";
            case COMPLETE -> "verify clean (a verification started after that missed write)";
        };
        return Optional.of(side + " cannot serve reads (" + why + "): it " + describe(standing) + ". To use it: "
                + todo + "; or force " + side + " complete, on record, accepting what it may miss");
    }

    private static String backfillInto(Side side) {
        return side == Side.NEW ? "backfill into NEW"
                : "copy NEW into OLD and record it (MigrationRecord.recordBackfill with Side.OLD)";
    }

    private static Optional<String> stopWriting(MigrationState state, Side side, Duration settleTime, Instant now) {
        Route inForce = state.route();
        boolean readsIt = inForce.read() == ReadSource.NEW_THEN_OLD || inForce.primary() == side;
        if (readsIt) {
            return Optional.of("writes to " + side + " cannot stop while the route in force (" + inForce
                    + ") reads " + side + ": instances still on it would read a model nobody writes. Move reads to "
                    + side.other() + " first, then stop writing " + side);
        }
        Instant settled = state.routeSince().plus(settleTime);
        if (now.isBefore(settled)) {
            return Optional.of("writes to " + side + " cannot stop before " + settled + ": the route in force took"
                    + " effect at " + state.routeSince() + ", instances may still be on the one before it, and the"
                    + " settle time (" + settleTime + ") lets every instance follow; try again after it");
        }
        return Optional.empty();
    }

    /** The record after {@code route} took effect at {@code now}: which models started or stopped being written. */
    public static MigrationState take(MigrationState state, Route route, Instant now) {
        MigrationState next = state;
        for (Side side : Side.values()) {
            boolean was = state.route().write().includes(side);
            boolean is = route.write().includes(side);
            SideState standing = state.side(side);
            if (!was && is) {
                next = next.with(side, switch (standing.status()) {
                    case NOT_WRITTEN -> SideState.of(SideStatus.CATCHING_UP, now);
                    case STALE -> SideState.of(SideStatus.RESYNCING, now);
                    // Forces are refused while a model is not written, so a model not written was never forced
                    // since it stopped; a record from before that rule may still hold one: it starts over.
                    default -> SideState.of(SideStatus.RESYNCING, now);
                });
            } else if (was && !is) {
                next = next.with(side, SideState.of(SideStatus.STALE, now));
            }
        }
        return route.equals(state.route()) ? next : next.withRoute(route, now);
    }

    /** A change the record takes, and the line it writes about it. */
    record Change(MigrationState next, String detail) {}

    static Change backfilled(MigrationState state, Side target, Instant startedAt, Instant finishedAt,
            long rejectedRows, Duration settleTime) {
        SideState standing = state.side(target);
        String what = "backfill into " + target + " (started " + startedAt + ", finished " + finishedAt + ")";
        if (standing.status() != SideStatus.CATCHING_UP && standing.status() != SideStatus.RESYNCING) {
            return new Change(state, what + ": " + target + " " + describe(standing) + "; nothing changes");
        }
        Instant countsFrom = standing.since().plus(settleTime);
        if (startedAt.isBefore(countsFrom)) {
            return new Change(state, what + " does not count: it started before " + countsFrom + " (" + target
                    + " written since " + standing.since() + ", plus the settle time), so rows written by instances"
                    + " not yet dual-writing may be missing. Run it again from the first key after " + countsFrom);
        }
        if (rejectedRows > 0) {
            return new Change(state, what + " does not count: " + rejectedRows + " row(s) were rejected");
        }
        return new Change(state.with(target, new SideState(standing.status(), standing.since(), finishedAt,
                standing.missedSince(), false, standing.rowsVerifiedAt())),
                what + " counts; " + target + " needs a clean verification next");
    }

    static Change verified(MigrationState state, Instant startedAt, boolean clean, String summary,
            Duration settleTime) {
        String what = (clean ? "clean" : "failed") + " verification (started " + startedAt + "): " + summary;
        if (!clean) {
            return new Change(state, what);
        }
        MigrationState next = state;
        StringBuilder changed = new StringBuilder();
        for (Side side : Side.values()) {
            SideState standing = next.side(side);
            boolean catchingUp = standing.status() == SideStatus.CATCHING_UP
                    || standing.status() == SideStatus.RESYNCING;
            if (catchingUp && standing.backfilledAt() != null && !startedAt.isBefore(standing.backfilledAt())) {
                standing = new SideState(SideStatus.COMPLETE, standing.since(), standing.backfilledAt(),
                        standing.missedSince(), false, standing.rowsVerifiedAt());
                changed.append("; ").append(side).append(" is complete");
            }
            if (standing.missedSince() != null && !startedAt.isBefore(standing.missedSince())) {
                standing = new SideState(standing.status(), standing.since(), standing.backfilledAt(), null,
                        standing.forced(), standing.rowsVerifiedAt());
                changed.append("; ").append(side).append("'s missed writes are accounted for");
            }
            next = next.with(side, rowsVerified(standing, startedAt, settleTime));
        }
        return new Change(next, what + (changed.length() == 0 ? "; nothing changes" : changed.toString()));
    }

    /**
     * A verification that found every row {@code side} holds equal to the other model's, and rows missing from it:
     * not clean, but what read-through needs (it answers from the other model where this one has nothing).
     */
    static Change rowsVerified(MigrationState state, Side side, Instant startedAt, String summary,
            Duration settleTime) {
        String what = "verification (started " + startedAt + ") found every row " + side + " holds equal to "
                + side.other() + "'s: " + summary;
        SideState standing = state.side(side);
        SideState next = rowsVerified(standing, startedAt, settleTime);
        if (next != standing) {
            return new Change(state.with(side, next), what + "; read-through may answer from its rows");
        }
        return new Change(state, what + "; does not count for read-through: " + (standing.status().written()
                ? "it started before " + standing.since().plus(settleTime) + " (" + side + " written since "
                        + standing.since() + ", plus the settle time)"
                : side + " " + describe(standing)));
    }

    /**
     * Only while written, and only by a verification that started once the settle time had passed since it began to
     * be: by then every instance writes it, so rows found right stay right. Judged when recorded, as a backfill is.
     */
    private static SideState rowsVerified(SideState standing, Instant startedAt, Duration settleTime) {
        boolean counts = standing.status().written() && !startedAt.isBefore(standing.since().plus(settleTime))
                && (standing.rowsVerifiedAt() == null || startedAt.isAfter(standing.rowsVerifiedAt()));
        return counts ? new SideState(standing.status(), standing.since(), standing.backfilledAt(),
                standing.missedSince(), standing.forced(), startedAt) : standing;
    }

    static Change forced(MigrationState state, Side side, String reason, Duration settleTime, Instant now) {
        if (!state.route().write().includes(side)) {
            // A force vouches for the model as it is now. Taken while nothing writes it, it would stay complete
            // through every write it misses until the route writes it again, and those would be read back missing.
            throw new IllegalStateException("cannot force " + side + " complete while the route in force ("
                    + state.route() + ") does not write it: the writes it misses from now on would count as held."
                    + " Make the route write " + side + " first (a stage that writes both), then force it");
        }
        SideState standing = state.side(side);
        Instant settled = standing.since().plus(settleTime);
        if (now.isBefore(settled)) {
            // Instances still on the route before may write without it for a while yet: found by the model-based
            // test, a write held across the change that started writing the model landed after the force.
            throw new IllegalStateException("cannot force " + side + " complete before " + settled + ": it is"
                    + " written since " + standing.since() + ", and instances still on the route before may write"
                    + " without it until the settle time (" + settleTime + ") has passed; the force would count"
                    + " those writes as held. Try again after " + settled);
        }
        return new Change(state.with(side, new SideState(SideStatus.COMPLETE, standing.since(),
                standing.backfilledAt(), null, true, standing.rowsVerifiedAt())),
                side + " forced complete (it " + describe(standing) + "): " + reason);
    }

    static Change missed(MigrationState state, Side side, Instant at) {
        SideState standing = state.side(side);
        if (standing.missedSince() != null || !standing.status().written()) {
            return new Change(state, "");
        }
        return new Change(state.with(side, standing.withMissed(at)), side + " missed a write at " + at
                + " that nothing durable will repair; it serves no reads until a clean verification started after it");
    }

    static String describe(SideState standing) {
        String missed = standing.missedSince() == null ? "" : ", and missed a write at " + standing.missedSince();
        return switch (standing.status()) {
            case NOT_WRITTEN -> "has never been written";
            case CATCHING_UP -> "has been written only since " + standing.since()
                    + (standing.backfilledAt() == null ? ", not backfilled" : ", backfilled, not verified") + missed;
            case RESYNCING -> "was stale and has been written again only since " + standing.since()
                    + (standing.backfilledAt() == null ? ", not backfilled" : ", backfilled, not verified") + missed;
            case COMPLETE -> "is complete" + (standing.forced() ? " (forced)" : "") + missed;
            case STALE -> "has not been written since " + standing.since();
        };
    }
}
