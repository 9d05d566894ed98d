package io.dualrepo.sample.serve;

import static io.dualrepo.sample.serve.Http.badRequest;
import static io.dualrepo.sample.serve.Http.conflict;

import com.google.gson.JsonObject;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.sample.SampleApp;
import io.dualrepo.sample.serve.Http.Request;
import io.dualrepo.sample.serve.Http.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /** The last verification as the page shows it. */
    record Verification(long at, boolean clean, long discrepancies, String summary) {}

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
        return state;
    }

    private Map<String, Object> route() {
        Route route = app.currentRoute();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("read", route.read().name());
        json.put("write", route.write().name());
        json.put("compare", route.compare().toString());
        // A route set through Unleash need not be one of the presets.
        json.put("stage", Arrays.stream(Stage.values()).filter(stage -> stage.route().equals(route)).findFirst()
                .map(Stage::name).orElse(null));
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
        json.put("rowsPerSecond", Math.round(progress.rowsPerSecond()));
        json.put("fraction", progress.fraction().isPresent() ? progress.fraction().getAsDouble() : null);
        json.put("dryRun", progress.dryRun());
        return json;
    }

    private Response setStage(Request request) throws IOException {
        InMemoryRouteSource control = app.stageControl().orElseThrow(() -> conflict("Routes come from "
                + app.routeOrigin() + "; change them there"));
        String name = Http.requiredString(request.body(), "stage");
        Stage stage;
        try {
            stage = Stage.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("unknown stage '" + name + "': expected one of " + Arrays.toString(Stage.values()));
        }
        control.set(SampleApp.REPOSITORY, stage);
        log.info("{}: stage set to {} from the operator page", SampleApp.REPOSITORY, stage);
        return Response.ok(route());
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
