package io.dualrepo.routing;

import io.dualrepo.Side;
import java.util.Objects;
import java.util.Optional;

/**
 * The three switches that decide one call: where reads come from, where writes go, and whether reads are
 * compared. A decorator takes one route per call and uses it for the whole call, so a route change takes effect
 * on the next call and never halfway through one.
 *
 * <p>A route is a value and can describe a combination that is not allowed; {@link #problem()} says why.
 * Routes that read from a model that is not written are refused: that model would fall behind, and every
 * answer read from it would be stale. Refused routes never take effect; the last valid route stays in force.
 */
public record Route(ReadSource read, WriteTargets write, Comparison compare) {

    public Route {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(compare, "compare");
    }

    public static Route of(ReadSource read, WriteTargets write, Comparison compare) {
        return new Route(read, write, compare);
    }

    /** The model answering reads first and written first. */
    public Side primary() {
        return read.primary();
    }

    /** Why this route must not take effect, or empty when it is valid. */
    public Optional<String> problem() {
        if (read == ReadSource.NEW_THEN_OLD && write != WriteTargets.BOTH) {
            return Optional.of("read-through (NEW_THEN_OLD) falls back to OLD, so writes must go to BOTH "
                    + "(deletes made in NEW alone would reappear from OLD), but write targets are " + write);
        }
        if (!write.includes(read.primary())) {
            return Optional.of("reads come from " + read + " but writes go to " + write
                    + " only: " + read + " would fall behind and every read would be stale");
        }
        return Optional.empty();
    }

    public boolean isValid() {
        return problem().isEmpty();
    }

    /** Throws {@link RouteRefusedException} when the route is not valid. */
    public Route requireValid() {
        Optional<String> problem = problem();
        if (problem.isPresent()) {
            throw new RouteRefusedException(this, problem.get());
        }
        return this;
    }

    @Override
    public String toString() {
        return "read " + read + ", write " + write + ", compare " + compare;
    }
}
