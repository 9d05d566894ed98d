package io.dualrepo.routing;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where routes come from: the Unleash adapter in {@code dual-repo-flags} or the OpenFeature one in {@code
 * dual-repo-openfeature} in production, {@link InMemoryRouteSource} in tests and embedded use. Called once per
 * repository call, on the caller's thread, so it must be fast and must not block; when the repository-wide route it
 * gives differs from the one in force, it is asked again under the runtime's lock, and that answer decides (an answer
 * read before a newer route took effect must not bring the older one back).
 */
@FunctionalInterface
public interface RouteSource {

    /**
     * The route for one call.
     *
     * @param repository the {@code @DualModel} name
     * @param routingKey the call's {@link io.dualrepo.RoutingKey} argument as a string, or null when the method
     *     has none
     * @return the route, or empty when this source has none for the repository (the last valid route, else the
     *     configured default, is used)
     */
    Optional<Route> route(String repository, @Nullable String routingKey);

    /**
     * Whether this source logs and counts route changes itself ({@code dualrepo.route.changes}). A source whose
     * routes differ by routing key must: consecutive calls for different keys taking different routes are not
     * changes. Otherwise the runtime counts each new route that takes effect as a change.
     */
    default boolean tracksChanges() {
        return false;
    }

    /** How the record's history names this source. */
    default String name() {
        return "route source " + getClass().getSimpleName();
    }
}
