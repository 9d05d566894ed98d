package io.dualrepo.sample.serve;

import io.dualrepo.console.ActionRequest;
import io.dualrepo.console.ComparisonHistory;
import io.dualrepo.console.ConsoleAction;
import io.dualrepo.console.ConsoleException;
import io.dualrepo.console.OperatorConsole;
import io.dualrepo.hibernate.backfill.BackfillException;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.sample.SampleApp;
import io.dualrepo.spi.WithheldMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's part of the operator console (the library's {@code dual-repo-console}): its own actions (incident
 * backfill, verification, the planted bug), their state for the page, and the script that draws them.
 */
final class OperatorActions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);

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
    // None until the operator first runs one; the page shows null as "not yet".
    private volatile @Nullable String lastBackfill;
    private volatile @Nullable Verification lastVerification;

    /** The last verification as the page shows it. */
    record Verification(long at, boolean clean, long discrepancies, String summary) {}

    OperatorActions(SampleApp app, Clock clock) {
        this.app = app;
        this.clock = clock;
        this.comparisons = new ComparisonHistory(clock);
        app.onComparison(comparisons);
    }

    /** The console over the sample's repository, with its actions and its section of the page. */
    OperatorConsole console(String token, List<String> hosts) {
        OperatorConsole.Builder console = OperatorConsole.over(app.dualRepo())
                .repositories(SampleApp.REPOSITORY)
                .title("Incidents migration")
                .token(token)
                .allowedHosts(hosts.toArray(String[]::new))
                .comparisonHistory(comparisons)
                .pendingSync(repository -> app.oldestPendingSync())
                .action("backfill", this::startBackfill)
                .action("verify", this::verify)
                .action("planted-bug", this::plantBug)
                .action("compare-ratio", this::compareRatio)
                .appState(this::state)
                .pageScript(pageScript())
                .clock(clock);
        app.stageControl().ifPresentOrElse(routes -> console.stageControl(routes, app.routeOrigin()),
                () -> console.routeOrigin(app.routeOrigin()));
        return console.build();
    }

    /** The state document's {@code app}: what the sample's own sections draw. */
    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("backfills", app.backfillProgress().values().stream()
                .sorted(Comparator.comparing(BackfillProgress::job))
                .map(OperatorActions::progress)
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

    private Object startBackfill(ActionRequest request) {
        double rowsPerSecond = request.optionalNumber("rowsPerSecond").orElse(DEFAULT_BACKFILL_ROWS_PER_SECOND);
        if (!(rowsPerSecond >= MIN_BACKFILL_ROWS_PER_SECOND)) {
            throw ConsoleException.badRequest("rowsPerSecond must be at least " + MIN_BACKFILL_ROWS_PER_SECOND
                    + ", was " + rowsPerSecond);
        }
        WriteTargets writes = app.currentRoute().write();
        if (writes != WriteTargets.BOTH) {
            // Rows written after the copy passed them would reach one model only.
            throw ConsoleException.conflict("the incident backfill needs dual writes (writes to BOTH, from stage"
                    + " DUAL_WRITE on); writes go to " + writes + " now");
        }
        if (!backfillRunning.compareAndSet(false, true)) {
            throw ConsoleException.conflict("the incident backfill is already running");
        }
        backfills.execute(() -> {
            try {
                BackfillResult result = app.backfillIncidents(rowsPerSecond);
                lastBackfill = result.toString();
                log.info("{}", result);
            } catch (RuntimeException e) {
                // A BackfillException's message quotes keys only; any other's may quote the values written.
                lastBackfill = "failed: " + (e instanceof BackfillException ? e.getMessage()
                        : WithheldMessage.describe(e));
                log.error("the incident backfill started from the operator page failed: {}", lastBackfill,
                        WithheldMessage.of(e));
            } finally {
                backfillRunning.set(false);
            }
        });
        return new ConsoleAction.Answer(202, Map.of("started", true, "rowsPerSecond", rowsPerSecond));
    }

    private Object verify(ActionRequest request) {
        if (!verifying.compareAndSet(false, true)) {
            throw ConsoleException.conflict("a verification is already running");
        }
        try {
            // After a rollback NEW holds rows older than OLD's: the backfill only adds missing ones, so the way
            // forward again is a verification that repairs what differs, then a clean one.
            boolean repair = request.optionalBoolean("repair").orElse(false);
            VerificationResult<String> result = repair ? app.verifyAndRepair() : app.verify();
            Verification verification = new Verification(clock.millis(), result.isClean(), result.discrepancies(),
                    result.summary());
            lastVerification = verification;
            return verification;
        } finally {
            verifying.set(false);
        }
    }

    private Object plantBug(ActionRequest request) {
        boolean planted = request.requiredBoolean("planted");
        app.newModel().plantBug(planted);
        log.info("planted bug {} from the operator page", planted ? "switched on" : "switched off");
        return Map.of("plantedBug", app.newModel().bugPlanted());
    }

    /**
     * Keeps the route's reads and writes and compares this share of reads: the stages compare all or none, and a
     * team starting SHADOW on a busy service compares a sample first ({@code benchmarks/load} measures both).
     */
    private Object compareRatio(ActionRequest request) {
        double ratio = request.optionalNumber("ratio").orElseThrow(
                () -> ConsoleException.badRequest("field 'ratio' is required: the share of reads compared, 0 to 1"));
        if (!(ratio >= 0 && ratio <= 1)) {
            throw ConsoleException.badRequest("ratio must be between 0 and 1, was " + ratio);
        }
        var routes = app.stageControl().orElseThrow(() -> ConsoleException.conflict(
                "Routes come from " + app.routeOrigin() + "; change them there"));
        Route current = app.currentRoute();
        Route wanted = Route.of(current.read(), current.write(), Comparison.sampled(ratio));
        app.dualRepo().transitionProblem(SampleApp.REPOSITORY, wanted).ifPresent(problem -> {
            throw ConsoleException.conflict("comparing " + ratio + " of reads refused: " + problem);
        });
        routes.set(SampleApp.REPOSITORY, wanted);
        Route taken = app.currentRoute();
        if (!taken.equals(wanted)) {
            routes.set(SampleApp.REPOSITORY, taken);
            throw ConsoleException.conflict("comparing " + ratio + " of reads refused: the runtime kept " + taken);
        }
        log.info("comparing {} of reads, set from the operator API", ratio);
        return Map.of("compare", taken.compare().toString());
    }

    private static String pageScript() {
        String resource = "/operator/app.js";
        try (InputStream in = OperatorActions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the operator page's script " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public void close() {
        // An interrupted backfill stops after its batch and resumes from there next time.
        backfills.shutdownNow();
    }
}
