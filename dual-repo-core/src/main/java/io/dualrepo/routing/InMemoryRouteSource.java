package io.dualrepo.routing;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe route source held in memory and changed by calling {@link #set}: for tests, and for embedded
 * use where flags are not wanted. Changes are seen by the next call on any thread.
 */
public final class InMemoryRouteSource implements RouteSource {

    private final ConcurrentMap<String, Optional<Route>> routes = new ConcurrentHashMap<>();
    private final String name;

    private InMemoryRouteSource(String name) {
        this.name = name;
    }

    public static InMemoryRouteSource create() {
        return new InMemoryRouteSource("in-memory routes");
    }

    /**
     * A source that the migration record's history names {@code name}, such as "operator page" or "deploy script":
     * who changed a route is what an audit asks first.
     */
    public static InMemoryRouteSource named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a route source's name must not be blank");
        }
        return new InMemoryRouteSource(name.strip());
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
    public Optional<Route> route(String repository, @Nullable String routingKey) {
        return routes.getOrDefault(repository, Optional.empty());
    }

    @Override
    public String name() {
        return name;
    }
}
