package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.Transitions;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the route of each call from the source, and lets a route take effect only when it is valid and the
 * migration record's rules allow it ({@link Transitions}). A refused route, a source that throws or one that has
 * nothing leaves the last route taken in force: at start-up, the record's last route, so that an instance starting
 * while its flag service is down routes as the fleet last did.
 *
 * <p>Write targets are the repository's, never a routing key's: a call with a key takes reads and comparison from
 * the key's route and writes from the repository-wide one (the route offered without a key). Otherwise a keyless
 * write (a {@code save(entity)} in a repository whose reads are keyed by tenant) would skip the model that tenant
 * reads from. A key's route whose reads the repository's writes cannot support is narrowed to the repository's.
 */
public final class RouteGuard {

    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);
    private static final int CHANGE_LOGS_PER_MINUTE = 30;
    private static final long PENDING_RECHECK_NANOS = 1_000_000_000L;

    private final String repository;
    private final Settings settings;
    private final RouteSource source;
    private final MigrationRecord record;
    private final boolean enforce;
    private final long recheckNanos;
    private final Counter changes;
    private final Counter refusals;
    private final Counter sourceErrors;
    private final boolean tracksOwnChanges;

    // The common case is the source handing back the very same Route instance call after call: one volatile
    // read and a reference comparison, no lock, no record.
    private volatile Route lastValid;
    private volatile MigrationState state;
    private volatile KeyedRoutes keyed;
    // Read without the lock, so that a flag left on a refused route costs each call no lock and no judgment.
    private volatile @Nullable RefusedRoute refused;
    private volatile @Nullable String lastRefusal;
    private volatile boolean sourceFailing;
    private volatile boolean missedWriteRecorded;
    // A flag flapping every few milliseconds must not flood the logs; the counter stays exact.
    private final LogBudget changeLogBudget = new LogBudget(CHANGE_LOGS_PER_MINUTE, System.nanoTime());

    RouteGuard(String repository, Settings settings, Reporter reporter) {
        this.repository = repository;
        this.settings = settings;
        this.source = settings.routeSource();
        this.record = settings.migrationRecord();
        this.enforce = settings.enforceTransitions();
        this.recheckNanos = record.recheckInterval().toNanos();
        this.tracksOwnChanges = source.tracksChanges();
        MeterRegistry registry = settings.meterRegistry();
        this.changes = Counter.builder(CoreMeters.ROUTE_CHANGES.meterName())
                .description(CoreMeters.ROUTE_CHANGES.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.refusals = Counter.builder(CoreMeters.ROUTE_REFUSED.meterName())
                .description(CoreMeters.ROUTE_REFUSED.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.sourceErrors = Counter.builder(CoreMeters.ROUTE_SOURCE_ERRORS.meterName())
                .description(CoreMeters.ROUTE_SOURCE_ERRORS.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.state = start();
        this.lastValid = state.route();
        this.keyed = new KeyedRoutes(lastValid);
    }

    /** The record's route when it has one; else the configured default, if the rules allow it. */
    private MigrationState start() {
        Optional<MigrationState> recorded = record.read(repository);
        if (recorded.isPresent()) {
            log.info("{}: starting on the migration record's last route, {} (since {})", repository,
                    recorded.get().route(), recorded.get().routeSince());
            return recorded.get();
        }
        try {
            return record.takeRoute(repository, settings.defaultRoute(), enforce, Origin.DEFAULT_ROUTE,
                    "default route");
        } catch (RouteRefusedException refused) {
            log.error("{}: the default route {} is refused, starting on {}: {}", repository, settings.defaultRoute(),
                    record.state(repository).route(), refused.problem());
            lastRefusal = refused.problem();
            return record.takeRoute(repository, record.state(repository).route(), false, Origin.DEFAULT_ROUTE,
                    "default route");
        }
    }

    /** The route for one call. Never null, always valid. */
    public Route current(@Nullable Object routingKey) {
        Route repositoryWide = repositoryWide();
        if (routingKey == null) {
            return repositoryWide;
        }
        Optional<Route> offered;
        try {
            offered = source.route(repository, routingKey.toString());
        } catch (RuntimeException e) {
            return sourceFailed(e);
        }
        if (offered == null || offered.isEmpty() || offered.get() == repositoryWide) {
            return repositoryWide;
        }
        KeyedRoutes routes = keyed;
        if (routes.repositoryWide != repositoryWide) {
            routes = new KeyedRoutes(repositoryWide);
            keyed = routes;
        }
        return routes.forKey(offered.get());
    }

    private Route repositoryWide() {
        Optional<Route> offered;
        try {
            offered = source.route(repository, null);
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
            if (lastRefusal != null) {
                // The source offers the route in force again: the refusal no longer stands.
                withdrawRefusal();
            }
            return valid;
        }
        RefusedRoute refusal = refused;
        if (refusal != null && (route == refusal.route() || route.equals(refusal.route()))
                && refusal.stands(record, repository)) {
            refusals.increment();
            return valid;
        }
        return accept(route);
    }

    private synchronized void withdrawRefusal() {
        refused = null;
        lastRefusal = null;
    }

    private synchronized Route accept(Route offered) {
        // The offer was read before the lock: another caller may have taken a newer one since, and applying this one
        // would bring back a route nobody offers any more (once the rules allow it from the newer state, a step the
        // operator never asked for from there; a stale NEW_ONLY, refused in SHADOW, taken in LIVE, makes OLD stale).
        // What the source offers now decides.
        Optional<Route> offeredNow;
        try {
            offeredNow = source.route(repository, null);
        } catch (RuntimeException e) {
            return sourceFailed(e);
        }
        if (offeredNow == null || offeredNow.isEmpty()) {
            return lastValid;
        }
        Route route = offeredNow.get();
        Route previous = lastValid;
        if (route.equals(previous)) {
            lastValid = route;
            refused = null;
            lastRefusal = null;
            return route;
        }
        long now = System.nanoTime();
        RefusedRoute standing = refused;
        if (standing != null && route.equals(standing.route()) && standing.stands(record, repository)) {
            refusals.increment();
            return previous;
        }
        Optional<String> waiting = enforce ? waitingForRepair(route) : Optional.empty();
        if (waiting.isPresent()) {
            // Counting waiting keys is a query, and the count moves without the record: not on every call.
            refuse(route, previous, waiting.get(),
                    RefusedRoute.forInterval(route, now, Math.max(recheckNanos, PENDING_RECHECK_NANOS)));
            return previous;
        }
        MigrationState taken;
        // A durable record is not read at all while its interval trusts a refusal; the in-memory one costs a lookup.
        RefusedRoute refusal = RefusedRoute.forInterval(route, now, recheckNanos);
        try {
            if (recheckNanos == 0) {
                Instant judgedFrom = Instant.now().truncatedTo(ChronoUnit.MICROS);
                Duration settleTime = record.settleTime();
                // Read before judging: a change racing the judgment leaves a newer version, judged on the next call.
                MigrationState judged = record.state(repository);
                long judgedAt = System.nanoTime();
                refusal = new RefusedRoute(route, judged.version(), settleTime, judgedAt,
                        RefusedRoute.untilSettled(judged, settleTime, judgedFrom));
            }
            taken = record.takeRoute(repository, route, enforce, Origin.ROUTE_SOURCE, source.name());
        } catch (RouteRefusedException refusedByRules) {
            refuse(route, previous, refusedByRules.problem(), refusal);
            return previous;
        } catch (RuntimeException recordFailed) {
            // Without the record the rules cannot be checked: the safe choice is the route already in force. The
            // record coming back changes no version, so only the interval bounds this answer.
            refuse(route, previous, "the migration record (" + record + ") could not be read or written",
                    RefusedRoute.forInterval(route, now, recheckNanos));
            log.warn("{}: migration record unavailable while taking a new route", repository,
                    WithheldMessage.of(recordFailed));
            return previous;
        }
        refused = null;
        lastRefusal = null;
        state = taken;
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

    /**
     * Why {@code route} would be refused now, or empty: the record's rules, then the keys waiting for the repair
     * into the model reads would move to. For operator pages and deploy scripts; the record may change before the
     * route is offered.
     */
    public Optional<String> problemWith(Route route) {
        if (!enforce) {
            return route.problem();
        }
        Optional<String> rule = Transitions.refusal(record.state(repository), route, record.settleTime(),
                Instant.now());
        return rule.isPresent() ? rule : waitingForRepair(route);
    }

    /**
     * Reads that move to a model must not find it behind writes the scope's repair has yet to bring to it: a caller
     * would read its own acknowledged write back stale, and a repair running after the move could not tell which
     * side holds the latest write. Checked only when reads move or writes to a model stop.
     */
    private Optional<String> waitingForRepair(Route route) {
        return waitingForRepair(route, state.route());
    }

    /**
     * As above, for reads moving from {@code inForce}'s models. Read-through reads OLD too, where NEW has nothing
     * (found by the model-based test: a LIVE write that missed OLD, then read-through, read the old value back).
     */
    private Optional<String> waitingForRepair(Route route, Route inForce) {
        for (Side stops : Side.values()) {
            if (inForce.write().includes(stops) && !route.write().includes(stops)) {
                Optional<String> fromIt = repairsFrom(stops);
                if (fromIt.isPresent()) {
                    return fromIt;
                }
            }
        }
        Set<Side> readBefore = readSides(inForce);
        for (Side reads : readSides(route)) {
            if (readBefore.contains(reads)) {
                continue;
            }
            long pending;
            try {
                pending = settings.dualWriteScope().pendingRepairs(repository, reads);
            } catch (RuntimeException e) {
                log.warn("{}: could not count the writes waiting for the repair into {}", repository, reads,
                        WithheldMessage.of(e));
                return Optional.of("the writes waiting for the repair into " + reads + " could not be counted");
            }
            if (pending > 0) {
                return Optional.of(pending + " key(s) wait for the repair to bring " + reads + " up to date: reads"
                        + " moved there now would return values older than acknowledged writes. Run the repair (or"
                        + " let its schedule run), then the route takes effect");
            }
        }
        return Optional.empty();
    }

    /**
     * Keys waiting for the repair to copy {@code source}'s value into the other model must not see {@code source}
     * stop being written: the other model would take newer writes alone, and the repair would then overwrite them
     * with {@code source}'s older values.
     */
    private Optional<String> repairsFrom(Side source) {
        long pending;
        try {
            pending = settings.dualWriteScope().pendingRepairs(repository, source.other());
        } catch (RuntimeException e) {
            log.warn("{}: could not count the writes waiting for the repair into {}", repository, source.other(),
                    WithheldMessage.of(e));
            return Optional.of("the writes waiting for the repair into " + source.other() + " could not be counted");
        }
        if (pending == 0) {
            return Optional.empty();
        }
        return Optional.of(pending + " key(s) wait for the repair to copy " + source + "'s values into "
                + source.other() + ": once " + source + " stops being written, " + source.other() + " takes newer"
                + " writes alone, and the repair would overwrite them. Run the repair (or let its schedule run), then"
                + " the route takes effect");
    }

    private static Set<Side> readSides(Route route) {
        return switch (route.read()) {
            case OLD -> EnumSet.of(Side.OLD);
            case NEW -> EnumSet.of(Side.NEW);
            case NEW_THEN_OLD -> EnumSet.of(Side.NEW, Side.OLD);
        };
    }

    private void refuse(Route route, Route previous, String problem, RefusedRoute refusal) {
        refusals.increment();
        if (!route.equals(refusedRoute())) {
            log.error("{}: route refused, keeping {}: {}", repository, previous, problem);
        }
        lastRefusal = "route refused (" + route + "): " + problem;
        refused = refusal;
    }

    private @Nullable Route refusedRoute() {
        RefusedRoute refusal = refused;
        return refusal == null ? null : refusal.route();
    }

    /**
     * Records that {@code side} missed a dual write that nothing durable will repair. Once per process until the
     * record forgets it: the record keeps the first such write, which is all the rules need.
     */
    public void missedWrite(Side side) {
        if (missedWriteRecorded && state.side(side).missedSince() != null) {
            return;
        }
        try {
            MigrationState next = record.recordMissedWrite(repository, side, Instant.now(), "dual write");
            synchronized (this) {
                state = next;
                keyed = new KeyedRoutes(lastValid);
            }
            missedWriteRecorded = true;
        } catch (RuntimeException e) {
            log.warn("{}: could not record that {} missed a write", repository, side, WithheldMessage.of(e));
        }
    }

    /** Forgets what this guard knows of the record, so that the next call reads it again. */
    public synchronized void refresh() {
        state = record.state(repository);
        keyed = new KeyedRoutes(lastValid);
        refused = null;
        missedWriteRecorded = false;
    }

    /** Why the last route offered was refused, while it is the last one offered; else empty. */
    public Optional<String> lastRefusal() {
        return Optional.ofNullable(lastRefusal);
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

    /**
     * The routes offered for routing keys while one repository-wide route is in force, each with the repository's
     * write targets and a verdict. Under a gradual rollout consecutive calls alternate routes: after the first call
     * of each, a map lookup and no lock.
     */
    private final class KeyedRoutes {

        private final Route repositoryWide;
        private final ConcurrentMap<Route, Verdict> verdicts = new ConcurrentHashMap<>();

        KeyedRoutes(Route repositoryWide) {
            this.repositoryWide = repositoryWide;
        }

        Route forKey(Route offered) {
            Verdict verdict = verdicts.get(offered);
            if (verdict == null || (verdict.refusal != null && !verdict.refusal.stands(record, repository))) {
                verdict = judge(offered, verdict);
                verdicts.put(offered, verdict);
            }
            if (verdict.refusal == null) {
                return verdict.route;
            }
            refusals.increment();
            return repositoryWide;
        }

        private Verdict judge(Route offered, @Nullable Verdict previous) {
            Route route = offered.write() == repositoryWide.write()
                    ? offered
                    : Route.of(offered.read(), repositoryWide.write(), offered.compare());
            if (route.equals(repositoryWide)) {
                return new Verdict(repositoryWide, null);
            }
            long now = System.nanoTime();
            Duration settleTime = record.settleTime();
            // The first judgment trusts the state this guard holds; one newer in the record has a newer version,
            // so the next call judges again against it.
            MigrationState current = previous == null ? state : record.state(repository);
            Optional<String> problem = enforce
                    ? Transitions.readRefusal(current, route, settleTime, Instant.now())
                    : route.problem();
            boolean byRules = problem.isPresent();
            if (problem.isEmpty() && enforce) {
                // The same barrier as a repository-wide move; counting waiting keys is a query, so not every call.
                problem = waitingForRepair(route, repositoryWide);
            }
            if (problem.isEmpty()) {
                return new Verdict(route, null);
            }
            // What reads may come from never depends on the time: only a change of the record changes the answer.
            RefusedRoute refusal = !byRules
                    ? RefusedRoute.forInterval(route, now, Math.max(recheckNanos, PENDING_RECHECK_NANOS))
                    : recheckNanos == 0
                            ? new RefusedRoute(route, current.version(), settleTime, now, Long.MAX_VALUE)
                            : RefusedRoute.forInterval(route, now, recheckNanos);
            // The same route refused repository-wide has had its ERROR line: one per refusal, not one per path.
            if (previous == null && !offered.equals(refusedRoute())) {
                log.error("{}: the route offered for some routing keys ({}) is refused with the repository's write"
                        + " targets ({}); those keys keep {}: {}", repository, offered, repositoryWide.write(),
                        repositoryWide, problem.get());
            }
            return new Verdict(route, refusal);
        }
    }

    /** A key's route and, while the rules refuse it, the refusal and how long it stands. */
    private record Verdict(Route route, @Nullable RefusedRoute refusal) {}
}
