package io.dualrepo.internal;

import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the route of each call from the source, and lets only valid routes take effect. A refused route, a
 * source that throws or one that has nothing leaves the last valid route (at first the default) in force.
 * Transitions are logged once; every refusal and source error is counted.
 */
public final class RouteGuard {

    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);
    private static final int CHANGE_LOGS_PER_MINUTE = 30;

    private final String repository;
    private final Settings settings;
    private final Counter changes;
    private final Counter refusals;
    private final Counter sourceErrors;
    private final boolean tracksOwnChanges;

    // The common case is the source handing back the very same Route instance call after call: one volatile
    // read and a reference comparison, no lock.
    private volatile Route lastValid;
    private Route lastRefused;
    private volatile boolean sourceFailing;
    // A flag flapping every few milliseconds must not flood the logs; the counter stays exact.
    private final LogBudget changeLogBudget = new LogBudget(CHANGE_LOGS_PER_MINUTE, System.nanoTime());

    RouteGuard(String repository, Settings settings, Reporter reporter) {
        this.repository = repository;
        this.settings = settings;
        this.lastValid = settings.defaultRoute();
        this.tracksOwnChanges = settings.routeSource().tracksChanges();
        MeterRegistry registry = settings.meterRegistry();
        this.changes = Counter.builder(DualRepoMetrics.ROUTE_CHANGES)
                .description("Routes that took effect, replacing a different one")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.refusals = Counter.builder(DualRepoMetrics.ROUTE_REFUSED)
                .description("Invalid routes refused; the last valid route stayed in force")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.sourceErrors = Counter.builder(DualRepoMetrics.ROUTE_SOURCE_ERRORS)
                .description("Route source calls that threw; the last valid route was used")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
    }

    /** The route for one call. Never null, always valid. */
    public Route current(Object routingKey) {
        Optional<Route> offered;
        try {
            offered = settings.routeSource().route(repository, routingKey == null ? null : routingKey.toString());
        } catch (RuntimeException e) {
            return sourceFailed(e);
        }
        if (sourceFailing) {
            sourceRecovered();
        }
        if (offered == null || offered.isEmpty()) {
            return lastValid;
        }
        Route route = offered.get();
        Route valid = lastValid;
        if (route == valid) {
            return valid;
        }
        if (tracksOwnChanges && route.isValid()) {
            // Routes that differ by routing key are not changes, and such a source keeps each key's last route
            // itself. No lock and no shared write here: under a gradual rollout consecutive calls alternate routes.
            return route;
        }
        return accept(route);
    }

    private synchronized Route accept(Route route) {
        Route previous = lastValid;
        if (route.equals(previous)) {
            lastValid = route;
            return route;
        }
        Optional<String> problem = route.problem();
        if (problem.isPresent()) {
            refusals.increment();
            if (!route.equals(lastRefused)) {
                lastRefused = route;
                log.error("{}: route refused, keeping {}: {}", repository, previous, problem.get());
            }
            return previous;
        }
        lastRefused = null;
        lastValid = route;
        if (tracksOwnChanges) {
            return route;
        }
        changes.increment();
        long unlogged = changeLogBudget.tryTake(System.nanoTime());
        if (unlogged > 0) {
            log.info("{}: {} more route changes in the last minute were counted but not logged", repository, unlogged);
        }
        if (unlogged >= 0) {
            log.info("{}: {}", repository, describeChange(previous, route));
        }
        return route;
    }

    private Route sourceFailed(RuntimeException error) {
        sourceErrors.increment();
        Route valid = lastValid;
        if (!sourceFailing) {
            synchronized (this) {
                if (!sourceFailing) {
                    sourceFailing = true;
                    log.warn("{}: route source failed, keeping {} until it recovers", repository, valid, error);
                }
            }
        }
        return valid;
    }

    private synchronized void sourceRecovered() {
        if (sourceFailing) {
            sourceFailing = false;
            log.info("{}: route source recovered", repository);
        }
    }

    static String describeChange(Route from, Route to) {
        StringBuilder change = new StringBuilder();
        if (from.read() != to.read()) {
            change.append("read ").append(from.read()).append(" -> ").append(to.read());
        }
        if (from.write() != to.write()) {
            separate(change).append("write ").append(from.write()).append(" -> ").append(to.write());
        }
        if (!from.compare().equals(to.compare())) {
            separate(change).append("compare ").append(from.compare()).append(" -> ").append(to.compare());
        }
        return change.toString();
    }

    private static StringBuilder separate(StringBuilder change) {
        return change.length() == 0 ? change : change.append(", ");
    }
}
