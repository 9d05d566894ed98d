package io.dualrepo.routing;

/** A route that must not take effect; the last valid route stays in force. */
public final class RouteRefusedException extends IllegalArgumentException {

    private final transient Route route;

    public RouteRefusedException(Route route, String problem) {
        super("route refused (" + route + "): " + problem);
        this.route = route;
    }

    public Route route() {
        return route;
    }
}
