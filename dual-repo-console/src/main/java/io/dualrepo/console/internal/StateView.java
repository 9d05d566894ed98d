package io.dualrepo.console.internal;

import io.dualrepo.Side;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spi.WithheldMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's state document: {@code {now, title, stages, repositories: [...], app}}. */
final class StateView {

    private static final Logger log = LoggerFactory.getLogger(StateView.class);

    /** How many entries of the record's history the page shows, newest first. */
    static final int HISTORY_SHOWN = 20;
    /** How far back the page looks for the last backfill and verification entries. */
    private static final int HISTORY_SEARCHED = 200;

    private final ConsoleConfig config;

    StateView(ConsoleConfig config) {
        this.config = config;
    }

    Map<String, Object> state(Map<String, StageRefusal> refusals) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("now", config.clock().millis());
        state.put("title", config.title());
        state.put("stages", Arrays.stream(Stage.values()).map(Stage::name).toList());
        state.put("repositories", config.repositories().stream()
                .map(repository -> repository(repository, refusals.get(repository))).toList());
        Object app = null;
        if (config.appState() != null) {
            try {
                app = config.appState().get();
            } catch (RuntimeException e) {
                log.warn("the console could not read the application's state", WithheldMessage.of(e));
                app = Map.of("error", "the application's state could not be read (details in the server's log)");
            }
        }
        state.put("app", app);
        return state;
    }

    /** A stage this console was asked for and refused, and why. */
    record StageRefusal(long at, String stage, String reason) {}

    private Map<String, Object> repository(String repository, @Nullable StageRefusal refusal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", repository);
        Optional<String> problem = undecorated(config, repository);
        if (problem.isPresent()) {
            // Reading its route or record would start a record for a name that may be misspelt.
            json.put("problem", problem.get());
            return json;
        }
        json.put("route", route(repository));
        json.put("comparisons", config.comparisons() == null ? null : config.comparisons().apply(repository));
        json.put("record", record(repository));
        json.put("stageRefusal", refusal);
        if (config.pendingSync() != null) {
            json.put("pendingSync", pendingSync(repository));
        }
        if (config.quarantinedRows() != null) {
            json.put("quarantine", quarantine(repository));
        }
        return json;
    }

    /** Why the console does not show {@code repository}: no decorator of that name on its runtime (yet). */
    static Optional<String> undecorated(ConsoleConfig config, String repository) {
        Set<String> decorated = config.dualRepo().decoratedRepositories();
        if (decorated.contains(repository)) {
            return Optional.empty();
        }
        return Optional.of("no decorator named '" + repository + "' has been built on this runtime"
                + (decorated.isEmpty() ? " yet" : " (it has " + new TreeSet<>(decorated) + ")")
                + ": check the name given to the console's repositories(...) against @DualModel(...)");
    }

    Map<String, Object> route(String repository) {
        Route route = config.dualRepo().currentRoute(repository);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("read", route.read().name());
        json.put("write", route.write().name());
        json.put("compare", route.compare().toString());
        // Shared by every repository of the runtime: below 1 while a comparison budget holds comparisons back.
        json.put("comparedShare", config.dualRepo().comparisonShare());
        // A route set through flags need not be one of the presets.
        json.put("stage", stageOf(route).map(Stage::name).orElse(null));
        json.put("origin", config.routeOrigin());
        json.put("controllable", config.stageControl() != null);
        return json;
    }

    /** The migration record: each model's standing, the evidence, the history, and the runtime's last refusal. */
    private Map<String, Object> record(String repository) {
        Map<String, Object> json = new LinkedHashMap<>();
        // The runtime's, not the database's: it holds even while the record cannot be read.
        json.put("lastRefusal", config.dualRepo().lastRefusal(repository).orElse(null));
        MigrationState state;
        List<RecordEntry> history;
        try {
            state = config.dualRepo().migrationState(repository);
            history = config.dualRepo().migrationRecord().history(repository, HISTORY_SEARCHED);
        } catch (RuntimeException e) {
            log.warn("the console could not read the migration record of {}", repository, WithheldMessage.of(e));
            json.put("error", "the migration record could not be read (details in the server's log)");
            return json;
        }
        json.put("version", state.version());
        json.put("route", label(state.route()));
        json.put("routeSince", state.routeSince().toEpochMilli());
        json.put("sides", List.of(side(Side.OLD, state.oldSide()), side(Side.NEW, state.newSide())));
        json.put("lastBackfill", latest(history, Origin.BACKFILL));
        json.put("lastVerification", latest(history, Origin.VERIFICATION));
        json.put("history", history.stream().limit(HISTORY_SHOWN).map(StateView::entry).toList());
        return json;
    }

    private static Map<String, Object> side(Side side, SideState standing) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("side", side.name());
        json.put("status", standing.status().name());
        json.put("since", standing.since().toEpochMilli());
        json.put("backfilledAt", millis(standing.backfilledAt()));
        json.put("missedSince", millis(standing.missedSince()));
        json.put("forced", standing.forced());
        json.put("servesReads", standing.servesReads());
        return json;
    }

    private static @Nullable Map<String, Object> latest(List<RecordEntry> history, Origin origin) {
        return history.stream().filter(entry -> entry.origin() == origin).findFirst().map(StateView::entry)
                .orElse(null);
    }

    private static Map<String, Object> entry(RecordEntry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", entry.at().toEpochMilli());
        json.put("origin", entry.origin().name());
        json.put("from", entry.from() == null ? null : label(entry.from()));
        json.put("to", entry.to() == null ? null : label(entry.to()));
        json.put("by", entry.by());
        json.put("detail", entry.detail());
        return json;
    }

    /** The oldest write still waiting for the repair to reach the other model, and its age. */
    private Map<String, Object> pendingSync(String repository) {
        Map<String, Object> json = new LinkedHashMap<>();
        try {
            // Asked only when a pending-sync reader is configured.
            Optional<Instant> oldest = Objects.requireNonNull(config.pendingSync(), "pendingSync").apply(repository);
            json.put("oldestAt", oldest.map(Instant::toEpochMilli).orElse(null));
            json.put("oldestAgeSeconds", oldest.map(at -> Math.max(0, Duration.between(at,
                    config.clock().instant()).toSeconds())).orElse(null));
        } catch (RuntimeException e) {
            log.warn("the console could not read the pending-sync table", WithheldMessage.of(e));
            json.put("error", "the pending-sync table could not be read (details in the server's log)");
        }
        return json;
    }

    private Map<String, Object> quarantine(String repository) {
        Map<String, Object> json = new LinkedHashMap<>();
        try {
            // Asked only when a quarantine counter is configured.
            ToLongFunction<String> rows = Objects.requireNonNull(config.quarantinedRows(), "quarantinedRows");
            json.put("rows", rows.applyAsLong(repository));
        } catch (RuntimeException e) {
            log.warn("the console could not read the quarantine", WithheldMessage.of(e));
            json.put("error", "the quarantine could not be read (details in the server's log)");
        }
        return json;
    }

    private static @Nullable Long millis(@Nullable Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    /** A route as people name it: its preset stage's name, else its parts. */
    static String label(Route route) {
        return stageOf(route).map(Stage::name).orElse(route.toString());
    }

    static Optional<Stage> stageOf(Route route) {
        return Arrays.stream(Stage.values()).filter(stage -> stage.route().equals(route)).findFirst();
    }
}
