package io.dualrepo.spi.flags;

import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The flag decisions of one repository: evaluated once per routing key through a {@link FlagReader} and cached
 * until the source moves the generation (its flags changed). A key whose evaluation fails keeps its last route; a
 * value that is refused keeps the last valid one.
 *
 * @param <C> the flag service's evaluation context
 */
public final class FlagRoutes<C> {

    /** {@link CoreMeters#FLAG_ERRORS}. */
    public static final String ERRORS = CoreMeters.FLAG_ERRORS.meterName();

    /** {@link CoreMeters#FLAG_REFUSED}. */
    public static final String REFUSED = CoreMeters.FLAG_REFUSED.meterName();

    private final String repository;
    private final FlagKeys flags;
    private final FlagReader<C> reader;
    private final Logger log;
    private final int maxCachedKeys;
    private final ConcurrentHashMap<String, Decision> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Route, Optional<Route>> interned = new ConcurrentHashMap<>();
    private final Counter errors;
    private final Counter refused;
    private final Counter changes;
    private volatile @Nullable Decision keyless;
    private volatile Optional<Route> lastValid = Optional.empty();
    private volatile @Nullable String lastProblem;
    private volatile boolean failing;
    private String lastSummary;

    /** A route decided for one key, valid while the generation it was made in lasts. */
    private record Decision(Optional<Route> route, long generation) {}

    /**
     * @param log where this repository's refusals, failures and changes are logged: the source's logger, so that
     *     an application configures one logger per source
     */
    public FlagRoutes(String repository, FlagKeys flags, FlagReader<C> reader, MeterRegistry registry,
            int maxCachedKeys, Logger log) {
        this.repository = repository;
        this.flags = flags;
        this.reader = reader;
        this.log = log;
        this.maxCachedKeys = maxCachedKeys;
        this.errors = Counter.builder(CoreMeters.FLAG_ERRORS.meterName())
                .description(CoreMeters.FLAG_ERRORS.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.refused = Counter.builder(CoreMeters.FLAG_REFUSED.meterName())
                .description(CoreMeters.FLAG_REFUSED.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.changes = Counter.builder(CoreMeters.ROUTE_CHANGES.meterName())
                .description(CoreMeters.ROUTE_CHANGES.description())
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        String summary = reader.summary();
        this.lastSummary = summary == null ? "" : summary;
    }

    /**
     * The route for one key. A cached decision holds while the generation has not moved: the source moves it when
     * the flags change, and on a timer when it cannot see the service's events. No clock is read here.
     */
    public Optional<Route> route(@Nullable String key, long generation) {
        Decision decision = key == null ? keyless : byKey.get(key);
        if (decision != null && decision.generation == generation) {
            return decision.route;
        }
        return decide(key, decision, generation);
    }

    private Optional<Route> decide(@Nullable String key, @Nullable Decision previous, long generation) {
        Optional<Route> route;
        try {
            route = evaluate(reader.context(key), previous);
        } catch (FlagReader.Refused e) {
            route = refuse(previous, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            errors.increment();
            if (!failing) {
                failing = true;
                log.warn("{}: evaluating flags failed; each key keeps its last route until it works again",
                        repository, e);
            }
            if (previous != null) {
                return previous.route;
            }
            // A key never decided before takes the repository's last valid route, as the runtime would.
            if (lastValid.isPresent()) {
                return lastValid;
            }
            throw e;
        }
        if (failing) {
            failing = false;
            log.info("{}: evaluating flags works again", repository);
        }
        Decision made = new Decision(route, generation);
        if (key == null) {
            Decision before = keyless;
            keyless = made;
            noticeKeylessChange(before, made);
        } else {
            if (byKey.size() >= maxCachedKeys) {
                evictSome();
            }
            byKey.put(key, made);
        }
        return route;
    }

    private Optional<Route> evaluate(C context, @Nullable Decision previous) {
        Route route;
        String describedFlags;
        Stage stage = reader.stage(flags.stage(), context);
        if (stage != null) {
            route = stage.route();
            if (route.compare().isOn()) {
                route = Route.of(route.read(), route.write(), reader.stageComparison(flags.compare(), context));
            }
            describedFlags = flags.stage() + "=" + stage;
        } else {
            boolean readNew = reader.enabled(flags.readNew(), context, false);
            boolean writeOld = reader.enabled(flags.writeOld(), context, true);
            boolean writeNew = reader.enabled(flags.writeNew(), context, false);
            if (!writeOld && !writeNew) {
                return refuse(previous, "flags " + flags.writeOld() + " and " + flags.writeNew()
                        + " are both off: writes would reach neither model");
            }
            route = Route.of(readNew ? ReadSource.NEW : ReadSource.OLD,
                    writeOld && writeNew ? WriteTargets.BOTH : writeOld ? WriteTargets.OLD : WriteTargets.NEW,
                    reader.switchComparison(flags.compare(), context));
            describedFlags = flags.readNew() + "=" + onOff(readNew) + ", " + flags.writeOld() + "="
                    + onOff(writeOld) + ", " + flags.writeNew() + "=" + onOff(writeNew);
        }
        Optional<String> problem = route.problem();
        if (problem.isPresent()) {
            return refuse(previous, describedFlags + " make a route that is refused: " + problem.get());
        }
        lastProblem = null;
        // One shared instance per distinct route: keys on the same route hand the runtime the same object, which
        // it recognises without comparing.
        Optional<Route> shared = interned.computeIfAbsent(route, Optional::of);
        lastValid = shared;
        return shared;
    }

    private Optional<Route> refuse(@Nullable Decision previous, String problem) {
        refused.increment();
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            log.error("{}: {}; keeping the last valid route", repository, problem);
        }
        if (previous != null && previous.route.isPresent()) {
            return previous.route;
        }
        return lastValid;
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    // Beyond the bound, dropping an arbitrary tenth keeps the work per eviction small; dropped keys are
    // simply evaluated again.
    private void evictSome() {
        int toDrop = Math.max(1, maxCachedKeys / 10);
        Iterator<String> keys = byKey.keySet().iterator();
        while (toDrop-- > 0 && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
    }

    /**
     * Called when the flags changed: logs and counts what changed for this repository, from the reader's {@link
     * FlagReader#summary() summary} (a rollout is not one route, so this is not a comparison of two routes).
     * Without a summary, changes of the keyless route are reported as decisions are made.
     */
    public synchronized void announceChanges() {
        String summary = reader.summary();
        if (summary == null) {
            return;
        }
        if (!summary.equals(lastSummary)) {
            changes.increment();
            log.info("{}: {}", repository, describe(lastSummary, summary));
            lastSummary = summary;
        }
    }

    private synchronized void noticeKeylessChange(@Nullable Decision before, Decision after) {
        // With a summary, announceChanges reports changes; without one, the keyless route is the best account.
        if (reader.summary() != null || before == null || before.route.equals(after.route)
                || after.route.isEmpty()) {
            return;
        }
        changes.increment();
        log.info("{}: {} -> {}", repository, before.route.map(Route::toString).orElse("default"), after.route.get());
    }

    // "read OLD|write OLD|compare off" -> "read NEW|write BOTH|compare off" gives "read OLD -> NEW, write OLD -> BOTH".
    static String describe(String before, String after) {
        if (before.isEmpty()) {
            return after.replace("|", ", ");
        }
        String[] from = before.split("\\|");
        String[] to = after.split("\\|");
        if (from.length != to.length || !sameSwitches(from, to)) {
            return before.replace("|", ", ") + " -> " + after.replace("|", ", ");
        }
        return IntStream.range(0, to.length)
                .filter(i -> !from[i].equals(to[i]))
                .mapToObj(i -> {
                    String name = to[i].substring(0, to[i].indexOf(' '));
                    return name + " " + from[i].substring(name.length() + 1) + " -> "
                            + to[i].substring(name.length() + 1);
                })
                .collect(Collectors.joining(", "));
    }

    private static boolean sameSwitches(String[] from, String[] to) {
        for (int i = 0; i < from.length; i++) {
            if (!from[i].substring(0, from[i].indexOf(' ')).equals(to[i].substring(0, to[i].indexOf(' ')))) {
                return false;
            }
        }
        return true;
    }
}
