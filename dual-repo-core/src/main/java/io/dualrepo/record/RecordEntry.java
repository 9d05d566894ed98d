package io.dualrepo.record;

import io.dualrepo.routing.Route;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of a repository's history: a route change, a backfill or verification result, a force.
 *
 * @param at when
 * @param origin what caused it
 * @param from the route in force before (null for entries that change no route)
 * @param to the route in force after (null for entries that change no route)
 * @param detail for people: what happened and what it changed in the record, at most {@value #MAX_DETAIL} characters
 * @param by who: the route source's or the operator's name, the job's name; never a value from the data
 */
public record RecordEntry(Instant at, Origin origin, @Nullable Route from, @Nullable Route to, String detail,
        String by) {

    public static final int MAX_DETAIL = 1000;

    public RecordEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(by, "by");
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL - 1) + "…";
        }
    }
}
