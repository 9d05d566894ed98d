package io.dualrepo.internal;

import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A route judged and refused, and what could change that answer. Judging reads the record and builds the refusal's
 * message: a flag left on a refused route would pay for both on every call, under the guard's lock. The rules'
 * answer moves only with the record's state, whose version every change raises, with its settle time, and with the
 * clock, through the settle time; so the refusal is served again for as long as none of them has moved.
 *
 * @param route the route refused
 * @param version the record's version read before judging (a change racing the judgment then shows as a newer one),
 *     or {@link #ANY_VERSION} when the answer stands for {@code standsFor} whatever the record does
 * @param settleTime the record's settle time when judged; a record may change it (tests let time pass that way)
 * @param judgedAt {@link System#nanoTime()} when judged
 * @param standsFor how long after {@code judgedAt} the answer may be served without judging again
 */
record RefusedRoute(Route route, long version, Duration settleTime, long judgedAt, long standsFor) {

    /** Versions start at 0, so no state has this one. */
    static final long ANY_VERSION = -1;

    /** An answer the record cannot cheaply be asked about, or that moves without it: served a while, then judged. */
    static RefusedRoute forInterval(Route route, long judgedAt, long standsFor) {
        return new RefusedRoute(route, ANY_VERSION, Duration.ZERO, judgedAt, standsFor);
    }

    /**
     * Served without judging while neither the time it may change at has come nor the record has moved. A record
     * that cannot be read says no: judging again finds it unavailable too, and handles that.
     */
    boolean stands(MigrationRecord record, String repository) {
        // Reading the clock costs as much as the rest of a routed call: not for an answer the clock cannot change.
        if (standsFor != Long.MAX_VALUE && System.nanoTime() - judgedAt >= standsFor) {
            return false;
        }
        if (version == ANY_VERSION) {
            return true;
        }
        try {
            return settleTime.equals(record.settleTime()) && version == versionOf(record, repository);
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** The version {@link MigrationRecord#state} would report: 0 while nothing is stored. */
    static long versionOf(MigrationRecord record, String repository) {
        Optional<MigrationState> stored = record.read(repository);
        return stored.isPresent() ? stored.get().version() : 0;
    }

    /**
     * How long the time leaves a judgment of {@code judged} as it is: the one rule that reads the clock is that
     * writes to a model stop no sooner than the settle time after the route in force took effect. Once that instant
     * has passed, only the record can change the answer.
     *
     * @param judgedFrom the wall clock read before judging, no later than the rules' own reading, and truncated as
     *     theirs is, so that the span never ends before the instant they compare with
     */
    static long untilSettled(MigrationState judged, Duration settleTime, Instant judgedFrom) {
        if (settleTime.isZero()) {
            return Long.MAX_VALUE;
        }
        Instant settled = judged.routeSince().plus(settleTime);
        if (!settled.isAfter(judgedFrom)) {
            return Long.MAX_VALUE;
        }
        Duration left = Duration.between(judgedFrom, settled);
        // Beyond what nanoTime can span (292 years) is as good as never.
        return left.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : left.toNanos();
    }
}
