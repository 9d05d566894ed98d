package io.dualrepo.routing;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A thread-safe route source held in memory and changed by calling {@link #set}: for tests, and for embedded
 * use where flags are not wanted. Changes are seen by the next call on any thread.
 */
public final class InMemoryRouteSource implements RouteSource {

    private final ConcurrentMap<String, Optional<Route>> routes = new ConcurrentHashMap<>();

    public static InMemoryRouteSource create() {
        return new InMemoryRouteSource();
    }

    /**
     * Sets the route of one repository.
     *
     * @throws RouteRefusedException when the route is not valid; the previous route stays in force
     */
    public InMemoryRouteSource set(String repository, Route route) {
        Objects.requireNonNull(repository, "repository");
        routes.put(repository, Optional.of(route.requireValid()));
        return this;
    }

    /** Sets the route of one repository to a stage's preset. */
    public InMemoryRouteSource set(String repository, Stage stage) {
        return set(repository, stage.route());
    }

    /** Forgets the route of one repository: its last valid route, else the default, applies. */
    public InMemoryRouteSource clear(String repository) {
        routes.remove(repository);
        return this;
    }

    @Override
    public Optional<Route> route(String repository, String routingKey) {
        return routes.getOrDefault(repository, Optional.empty());
    }

    @Override
    public String name() {
        return "in-memory routes";
    }
}
