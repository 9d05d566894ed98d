package io.dualrepo.routing;

/**
 * A route that must not take effect, on its own or after the record's history ({@link
 * io.dualrepo.record.Transitions}); the last valid route stays in force.
 */
public final class RouteRefusedException extends IllegalArgumentException {

    private final transient Route route;
    private final String problem;

    public RouteRefusedException(Route route, String problem) {
        super("route refused (" + route + "): " + problem);
        this.route = route;
        this.problem = problem;
    }

    /** Why it was refused, and what to do. */
    public String problem() {
        return problem;
    }

    public Route route() {
        return route;
    }
}
