package io.dualrepo.flags.internal;

import io.dualrepo.flags.FlagNames;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spi.flags.FlagKeys;
import io.dualrepo.spi.flags.FlagReader;
import io.dualrepo.spi.flags.FlagRoutes;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.variant.Variant;
import io.micrometer.core.instrument.MeterRegistry;
import java.text.DecimalFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flag decisions of one repository, read from Unleash: how Unleash's flags read as a route (the stage flag's
 * variant, the switches, the compare flag's rollout percentage from the feature payload). Caching, fallbacks and
 * meters are {@link FlagRoutes}'s, shared with the other flag sources.
 */
public final class RepositoryRoutes implements FlagReader<UnleashContext> {

    public static final String FLAG_ERRORS = io.dualrepo.flags.FlagMetrics.ERRORS;
    public static final String FLAG_REFUSED = io.dualrepo.flags.FlagMetrics.REFUSED;

    private static final Logger log = LoggerFactory.getLogger("io.dualrepo.flags.UnleashRouteSource");
    private static final UnleashContext NO_KEY = UnleashContext.builder().build();

    private final FlagNames flags;
    private final Unleash unleash;
    private final Supplier<Map<String, FlagState>> payload;
    private final FlagRoutes<UnleashContext> routes;

    public RepositoryRoutes(String repository, FlagNames flags, Unleash unleash, MeterRegistry registry,
            int maxCachedKeys, Supplier<Map<String, FlagState>> payload) {
        this.flags = flags;
        this.unleash = unleash;
        this.payload = payload;
        // Last: the shared routes read this reader's summary as they start.
        this.routes = new FlagRoutes<>(repository, new FlagKeys(flags.readNew(), flags.writeOld(),
                flags.writeNew(), flags.compare(), flags.stage()), this, registry, maxCachedKeys, log);
    }

    /** The route for one key; see {@link FlagRoutes#route}. */
    public Optional<Route> route(String key, long generation) {
        return routes.route(key, generation);
    }

    /** Called when Unleash reports changed flags: logs and counts what changed for this repository. */
    public void announceChanges() {
        routes.announceChanges();
    }

    @Override
    public UnleashContext context(@Nullable String key) {
        return key == null ? NO_KEY : UnleashContext.builder().userId(key).build();
    }

    @Override
    public @Nullable Stage stage(String flag, UnleashContext context) {
        if (!unleash.isEnabled(flag, context, false)) {
            return null;
        }
        Variant variant = unleash.getVariant(flag, context);
        Stage stage = variant != null && variant.isEnabled() ? FlagReader.stageNamed(variant.getName()) : null;
        if (stage == null) {
            throw new Refused("flag " + flag + " is on but its variant '" + (variant == null ? null : variant.getName())
                    + "' names no stage (one of " + FlagReader.stageNames() + ")");
        }
        return stage;
    }

    @Override
    public boolean enabled(String flag, UnleashContext context, boolean whenMissing) {
        return unleash.isEnabled(flag, context, whenMissing);
    }

    @Override
    public Comparison switchComparison(String flag, UnleashContext context) {
        FlagState state = state(flag);
        if (state != null) {
            return Comparison.sampled(state.percent() / 100);
        }
        // No payload to read the percentage from (a FakeUnleash, say): on for this key is on for every call.
        return unleash.isEnabled(flag, context, false) ? Comparison.ALWAYS : Comparison.OFF;
    }

    @Override
    public Comparison stageComparison(String flag, UnleashContext context) {
        FlagState state = state(flag);
        if (state != null && state.isOn()) {
            return Comparison.sampled(state.percent() / 100);
        }
        return Comparison.ALWAYS;
    }

    private @Nullable FlagState state(String flag) {
        Map<String, FlagState> states = payload.get();
        if (states == null) {
            return null;
        }
        return states.getOrDefault(flag, FlagState.MISSING);
    }

    /** From the feature payload's rollout percentages; null until Unleash has sent one. */
    @Override
    public @Nullable String summary() {
        Map<String, FlagState> states = payload.get();
        if (states == null) {
            return null;
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
        return percent >= 100 ? "" : " for " + new DecimalFormat("0.##").format(percent) + "% of keys";
    }
}
