package io.dualrepo.sample.serve;

import static io.dualrepo.sample.serve.Http.badRequest;
import static io.dualrepo.sample.serve.Http.conflict;

import com.google.gson.JsonObject;
import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.internal.WithheldMessage;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.sample.SampleApp;
import io.dualrepo.sample.serve.Http.Request;
import io.dualrepo.sample.serve.Http.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator page reads and does: the state of the incidents migration in one JSON document, and the
 * actions an operator takes (stage, incident backfill, verification, the planted bug).
 */
final class OperatorEndpoints implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorEndpoints.class);

    /** The page's backfill rate unless the request names one: slow enough for the bar to be watched. */
    static final double DEFAULT_BACKFILL_ROWS_PER_SECOND = 200;
    /** The incident backfill's batches of 500 rows must each finish well inside its two-minute lease. */
    static final double MIN_BACKFILL_ROWS_PER_SECOND = 10;

    private final SampleApp app;
    private final Clock clock;
    private final ComparisonHistory comparisons;
    private final ExecutorService backfills = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "operator-backfill");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean backfillRunning = new AtomicBoolean();
    private final AtomicBoolean verifying = new AtomicBoolean();
    private volatile String lastBackfill;
    private volatile Verification lastVerification;
    private volatile StageRefusal lastStageRefusal;

    /** The last verification as the page shows it. */
    record Verification(long at, boolean clean, long discrepancies, String summary) {}

    /** A stage this page was asked for and refused, and why. */
    record StageRefusal(long at, String stage, String reason) {}

    /** How many entries of the record's history the page shows, newest first. */
    static final int HISTORY_SHOWN = 20;
    /** How far back the page looks for the last backfill and verification entries. */
    private static final int HISTORY_SEARCHED = 200;

    OperatorEndpoints(SampleApp app, Clock clock) {
        this.app = app;
        this.clock = clock;
        this.comparisons = new ComparisonHistory(SampleApp.REPOSITORY, clock);
        app.onComparison(comparisons);
    }

    List<Http.Route> routes() {
        return List.of(
                Http.Route.of("GET", "/api/operator/state", request -> Response.ok(state())),
                Http.Route.of("POST", "/api/operator/stage", this::setStage),
                Http.Route.of("POST", "/api/operator/backfill", this::startBackfill),
                Http.Route.of("POST", "/api/operator/verify", this::verify),
                Http.Route.of("POST", "/api/operator/planted-bug", this::plantBug));
    }

    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("repository", SampleApp.REPOSITORY);
        state.put("now", clock.millis());
        state.put("route", route());
        state.put("stages", Arrays.stream(Stage.values()).map(Stage::name).toList());
        state.put("comparisons", comparisons.snapshot());
        state.put("backfills", app.backfillProgress().values().stream()
                .sorted(Comparator.comparing(BackfillProgress::job))
                .map(OperatorEndpoints::progress)
                .toList());
        Map<String, Object> incidentBackfill = new LinkedHashMap<>();
        incidentBackfill.put("running", backfillRunning.get());
        incidentBackfill.put("last", lastBackfill);
        state.put("incidentBackfill", incidentBackfill);
        state.put("verifying", verifying.get());
        state.put("verification", lastVerification);
        state.put("plantedBug", app.newModel().bugPlanted());
        state.put("record", record());
        state.put("stageRefusal", lastStageRefusal);
        state.put("pendingSync", pendingSync());
        return state;
    }

    /** The migration record: each model's standing, the evidence, the history, and the runtime's last refusal. */
    private Map<String, Object> record() {
        Map<String, Object> json = new LinkedHashMap<>();
        // The runtime's, not the database's: it holds even while the record cannot be read.
        json.put("lastRefusal", app.dualRepo().lastRefusal(SampleApp.REPOSITORY).orElse(null));
        MigrationState state;
        List<RecordEntry> history;
        try {
            state = app.migrationState();
            history = app.history(HISTORY_SEARCHED);
        } catch (RuntimeException e) {
            log.warn("the operator page could not read the migration record", WithheldMessage.of(e));
            json.put("error", "the migration record could not be read (details in the server's log)");
            return json;
        }
        json.put("version", state.version());
        json.put("route", label(state.route()));
        json.put("routeSince", state.routeSince().toEpochMilli());
        json.put("sides", List.of(side(Side.OLD, state.oldSide()), side(Side.NEW, state.newSide())));
        json.put("lastBackfill", latest(history, Origin.BACKFILL));
        json.put("lastVerification", latest(history, Origin.VERIFICATION));
        json.put("history", history.stream().limit(HISTORY_SHOWN).map(OperatorEndpoints::entry).toList());
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

    private static Map<String, Object> latest(List<RecordEntry> history, Origin origin) {
        return history.stream().filter(entry -> entry.origin() == origin).findFirst().map(OperatorEndpoints::entry)
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

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    /** A route as people name it: its preset stage's name, else its parts. */
    static String label(Route route) {
        return stageOf(route).map(Stage::name).orElse(route.toString());
    }

    private static Optional<Stage> stageOf(Route route) {
        return Arrays.stream(Stage.values()).filter(stage -> stage.route().equals(route)).findFirst();
    }

    /** The oldest write still waiting for the repair to reach the other model, and its age. */
    private Map<String, Object> pendingSync() {
        Map<String, Object> json = new LinkedHashMap<>();
        try {
            Optional<Instant> oldest = app.oldestPendingSync();
            json.put("oldestAt", oldest.map(Instant::toEpochMilli).orElse(null));
            json.put("oldestAgeSeconds", oldest.map(at -> Math.max(0, Duration.between(at, clock.instant())
                    .toSeconds())).orElse(null));
        } catch (RuntimeException e) {
            log.warn("the operator page could not read the pending-sync table", WithheldMessage.of(e));
            json.put("error", "the pending-sync table could not be read (details in the server's log)");
        }
        return json;
    }

    private Map<String, Object> route() {
        Route route = app.currentRoute();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("read", route.read().name());
        json.put("write", route.write().name());
        json.put("compare", route.compare().toString());
        // A route set through Unleash need not be one of the presets.
        json.put("stage", stageOf(route).map(Stage::name).orElse(null));
        json.put("origin", app.routeOrigin());
        json.put("controllable", app.stageControl().isPresent());
        return json;
    }

    private static Map<String, Object> progress(BackfillProgress progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", progress.job());
        json.put("done", progress.done());
        json.put("total", progress.total());
        json.put("written", progress.written());
        json.put("removed", progress.removed());
        json.put("quarantined", progress.quarantined());
        json.put("rowsPerSecond", Math.round(progress.rowsPerSecond()));
        json.put("fraction", progress.fraction().isPresent() ? progress.fraction().getAsDouble() : null);
        json.put("dryRun", progress.dryRun());
        return json;
    }

    /**
     * Sets the stage if the migration record's rules allow it; else answers 409 with the reason, and the route in
     * force stays. Judged before it is offered, so that a refused stage never waits in the route source to take
     * effect on its own once the evidence arrives; and judged again by the runtime as it takes it.
     */
    private synchronized Response setStage(Request request) throws IOException {
        InMemoryRouteSource control = app.stageControl().orElseThrow(() -> conflict("Routes come from "
                + app.routeOrigin() + "; change them there"));
        String name = Http.requiredString(request.body(), "stage");
        Stage stage;
        try {
            stage = Stage.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("unknown stage '" + name + "': expected one of " + Arrays.toString(Stage.values()));
        }
        Route before = app.currentRoute();
        Optional<String> problem = app.dualRepo().transitionProblem(SampleApp.REPOSITORY, stage.route());
        if (problem.isPresent()) {
            throw refused(stage, before, problem.get());
        }
        control.set(SampleApp.REPOSITORY, stage);
        Route taken = app.currentRoute();
        if (!taken.equals(stage.route())) {
            // The runtime has checks of its own (writes still waiting for the repair) and the record may have
            // changed meanwhile: offer the route in force again, so the refused one does not wait in the source.
            control.set(SampleApp.REPOSITORY, taken);
            throw refused(stage, taken, app.dualRepo().lastRefusal(SampleApp.REPOSITORY)
                    .orElse("the runtime kept " + label(taken)));
        }
        log.info("{}: stage set to {} from the operator page", SampleApp.REPOSITORY, stage);
        return Response.ok(route());
    }

    private Http.ClientError refused(Stage stage, Route kept, String reason) {
        String message = stage + " refused, " + label(kept) + " stays: " + reason;
        lastStageRefusal = new StageRefusal(clock.millis(), stage.name(), message);
        // The runtime logs refusals it makes itself; this one was judged before the route source saw it.
        log.warn("{}: {} (asked from the operator page)", SampleApp.REPOSITORY, message);
        return conflict(message);
    }

    private Response startBackfill(Request request) throws IOException {
        double rowsPerSecond = Http.optionalNumber(request.body(), "rowsPerSecond")
                .orElse(DEFAULT_BACKFILL_ROWS_PER_SECOND);
        if (!(rowsPerSecond >= MIN_BACKFILL_ROWS_PER_SECOND)) {
            throw badRequest("rowsPerSecond must be at least " + MIN_BACKFILL_ROWS_PER_SECOND + ", was "
                    + rowsPerSecond);
        }
        WriteTargets writes = app.currentRoute().write();
        if (writes != WriteTargets.BOTH) {
            // Rows written after the copy passed them would reach one model only.
            throw conflict("the incident backfill needs dual writes (writes to BOTH, from stage DUAL_WRITE on);"
                    + " writes go to " + writes + " now");
        }
        if (!backfillRunning.compareAndSet(false, true)) {
            throw conflict("the incident backfill is already running");
        }
        backfills.execute(() -> {
            try {
                BackfillResult result = app.backfillIncidents(rowsPerSecond);
                lastBackfill = result.toString();
                log.info("{}", result);
            } catch (RuntimeException e) {
                lastBackfill = "failed: " + e;
                log.error("the incident backfill started from the operator page failed", e);
            } finally {
                backfillRunning.set(false);
            }
        });
        return Response.json(202, Map.of("started", true, "rowsPerSecond", rowsPerSecond));
    }

    private Response verify(Request request) {
        request.requireJsonContentType();
        if (!verifying.compareAndSet(false, true)) {
            throw conflict("a verification is already running");
        }
        try {
            VerificationResult<String> result = app.verify();
            Verification verification = new Verification(clock.millis(), result.isClean(), result.discrepancies(),
                    result.summary());
            lastVerification = verification;
            return Response.ok(verification);
        } finally {
            verifying.set(false);
        }
    }

    private Response plantBug(Request request) throws IOException {
        boolean planted = Http.requiredBoolean(request.body(), "planted");
        app.newModel().plantBug(planted);
        log.info("planted bug {} from the operator page", planted ? "switched on" : "switched off");
        return Response.ok(Map.of("plantedBug", app.newModel().bugPlanted()));
    }

    @Override
    public void close() {
        // An interrupted backfill stops after its batch and resumes from there next time.
        backfills.shutdownNow();
    }
}
