package io.dualrepo.flags.internal;

import io.dualrepo.flags.FlagNames;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.variant.Variant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The flag decisions of one repository: evaluated once per routing key and cached until the flags change. */
public final class RepositoryRoutes {

    public static final String FLAG_ERRORS = io.dualrepo.flags.FlagMetrics.ERRORS;
    public static final String FLAG_REFUSED = io.dualrepo.flags.FlagMetrics.REFUSED;

    private static final Logger log = LoggerFactory.getLogger("io.dualrepo.flags.UnleashRouteSource");
    private static final UnleashContext NO_KEY = UnleashContext.builder().build();

    private final String repository;
    private final FlagNames flags;
    private final Unleash unleash;
    private final int maxCachedKeys;
    private final Supplier<Map<String, FlagState>> payload;
    private final ConcurrentHashMap<String, Decision> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Route, Optional<Route>> interned = new ConcurrentHashMap<>();
    private final Counter errors;
    private final Counter refused;
    private final Counter changes;
    private volatile Decision keyless;
    private volatile Optional<Route> lastValid = Optional.empty();
    private volatile String lastProblem;
    private volatile boolean failing;
    private String lastSummary;

    /** A route decided for one key, valid while the generation it was made in lasts. */
    private record Decision(Optional<Route> route, long generation) {}

    public RepositoryRoutes(String repository, FlagNames flags, Unleash unleash, MeterRegistry registry,
            int maxCachedKeys, Supplier<Map<String, FlagState>> payload) {
        this.repository = repository;
        this.flags = flags;
        this.unleash = unleash;
        this.maxCachedKeys = maxCachedKeys;
        this.payload = payload;
        this.errors = Counter.builder(FLAG_ERRORS)
                .description("Flag decisions that failed because the Unleash SDK threw; the key kept its last route")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.refused = Counter.builder(FLAG_REFUSED)
                .description("Flag values naming no stage or making a refused route; the last valid route stayed")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.changes = Counter.builder(DualRepoMetrics.ROUTE_CHANGES)
                .description("Routes that took effect, replacing a different one")
                .tag(DualRepoMetrics.TAG_REPOSITORY, repository)
                .register(registry);
        this.lastSummary = summary(payload.get());
    }

    /**
     * The route for one key. A cached decision holds while the generation has not moved: the source moves it when
     * Unleash reports changed flags, and on a timer when it cannot see Unleash's events. No clock is read here.
     */
    public Optional<Route> route(String key, long generation) {
        Decision decision = key == null ? keyless : byKey.get(key);
        if (decision != null && decision.generation == generation) {
            return decision.route;
        }
        return decide(key, decision, generation);
    }

    private Optional<Route> decide(String key, Decision previous, long generation) {
        Optional<Route> route;
        try {
            route = evaluate(key == null ? NO_KEY : UnleashContext.builder().userId(key).build(), previous);
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

    private Optional<Route> evaluate(UnleashContext context, Decision previous) {
        Route route;
        String describedFlags;
        if (unleash.isEnabled(flags.stage(), context, false)) {
            Variant variant = unleash.getVariant(flags.stage(), context);
            Stage stage = variant != null && variant.isEnabled() ? stageNamed(variant.getName()) : null;
            if (stage == null) {
                return refuse(previous, "flag " + flags.stage() + " is on but its variant '"
                        + (variant == null ? null : variant.getName()) + "' names no stage (one of "
                        + Arrays.toString(Stage.values()) + ")");
            }
            route = stage.route();
            if (route.compare().isOn()) {
                route = Route.of(route.read(), route.write(), stageComparison(context));
            }
            describedFlags = flags.stage() + "=" + stage;
        } else {
            boolean readNew = unleash.isEnabled(flags.readNew(), context, false);
            boolean writeOld = unleash.isEnabled(flags.writeOld(), context, true);
            boolean writeNew = unleash.isEnabled(flags.writeNew(), context, false);
            if (!writeOld && !writeNew) {
                return refuse(previous, "flags " + flags.writeOld() + " and " + flags.writeNew()
                        + " are both off: writes would reach neither model");
            }
            route = Route.of(readNew ? ReadSource.NEW : ReadSource.OLD,
                    writeOld && writeNew ? WriteTargets.BOTH : writeOld ? WriteTargets.OLD : WriteTargets.NEW,
                    switchComparison(context));
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

    private Comparison switchComparison(UnleashContext context) {
        FlagState state = state(flags.compare());
        if (state != null) {
            return Comparison.sampled(state.percent() / 100);
        }
        // No payload to read the percentage from (a FakeUnleash, say): on for this key is on for every call.
        return unleash.isEnabled(flags.compare(), context, false) ? Comparison.ALWAYS : Comparison.OFF;
    }

    private Comparison stageComparison(UnleashContext context) {
        FlagState state = state(flags.compare());
        if (state != null && state.isOn()) {
            return Comparison.sampled(state.percent() / 100);
        }
        return Comparison.ALWAYS;
    }

    private FlagState state(String flag) {
        Map<String, FlagState> states = payload.get();
        if (states == null) {
            return null;
        }
        return states.getOrDefault(flag, FlagState.MISSING);
    }

    private Optional<Route> refuse(Decision previous, String problem) {
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

    private static Stage stageNamed(String name) {
        for (Stage stage : Stage.values()) {
            if (stage.name().equals(name)) {
                return stage;
            }
        }
        return null;
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
     * Called when Unleash reports changed flags: logs and counts what changed for this repository, from the
     * flag payload's percentages (a rollout is not one route, so this is not a comparison of two routes).
     */
    public synchronized void announceChanges(long generation) {
        Map<String, FlagState> states = payload.get();
        if (states == null) {
            return;
        }
        String summary = summary(states);
        if (!summary.equals(lastSummary)) {
            changes.increment();
            log.info("{}: {}", repository, describe(lastSummary, summary));
            lastSummary = summary;
        }
    }

    private synchronized void noticeKeylessChange(Decision before, Decision after) {
        // With a payload, announceChanges reports changes; without one, the keyless route is the best account.
        if (payload.get() != null || before == null || before.route.equals(after.route)
                || after.route.isEmpty()) {
            return;
        }
        changes.increment();
        log.info("{}: {} -> {}", repository, before.route.map(Route::toString).orElse("default"), after.route.get());
    }

    private String summary(Map<String, FlagState> states) {
        if (states == null) {
            return "";
        }
        FlagState stage = states.getOrDefault(flags.stage(), FlagState.MISSING);
        if (stage.isOn()) {
            FlagState compare = states.getOrDefault(flags.compare(), FlagState.MISSING);
            return "stage " + (stage.variants().isEmpty() ? "(no variant)" : String.join("/", stage.variants()))
                    + share(stage.percent()) + "|compare " + (compare.isOn() ? comparison(states) : "as staged");
        }
        double readNew = states.getOrDefault(flags.readNew(), FlagState.MISSING).percent();
        FlagState writeOldState = states.getOrDefault(flags.writeOld(), FlagState.MISSING);
        double writeOld = writeOldState.exists() ? writeOldState.percent() : 100;
        double writeNew = states.getOrDefault(flags.writeNew(), FlagState.MISSING).percent();
        return "read " + (readNew == 0 ? "OLD" : "NEW" + share(readNew))
                + "|write " + writes(writeOld, writeNew)
                + "|compare " + comparison(states);
    }

    private String comparison(Map<String, FlagState> states) {
        FlagState compare = states.getOrDefault(flags.compare(), FlagState.MISSING);
        return Comparison.sampled(compare.percent() / 100).toString();
    }

    private static String writes(double writeOld, double writeNew) {
        if (writeOld > 0 && writeNew > 0) {
            return writeOld == 100 && writeNew == 100 ? "BOTH" : "OLD" + share(writeOld) + "+NEW" + share(writeNew);
        }
        return writeOld > 0 ? "OLD" + share(writeOld) : writeNew > 0 ? "NEW" + share(writeNew) : "nowhere";
    }

    private static String share(double percent) {
        return percent >= 100 ? "" : " for " + new java.text.DecimalFormat("0.##").format(percent) + "% of keys";
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
        return java.util.stream.IntStream.range(0, to.length)
                .filter(i -> !from[i].equals(to[i]))
                .mapToObj(i -> {
                    String name = to[i].substring(0, to[i].indexOf(' '));
                    return name + " " + from[i].substring(name.length() + 1) + " -> " + to[i].substring(name.length() + 1);
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
