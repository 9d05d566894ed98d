package io.dualrepo.sample;

import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Outcome;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.sample.model.Layout;
import io.dualrepo.sample.model.Statuses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The main job: the whole playbook of the incident-status migration against live traffic. Clients create incidents,
 * change their status and read them, across organisations, from start to end; the migration moves through its steps
 * under them; after each step a table row says what each model served, what the comparisons found, and how many
 * acknowledged writes the model serving reads does not hold, as the verifier counts them.
 */
public final class Demo implements AutoCloseable {

    /** What the run found; the demo's exit status and its test read this, not the printed text. */
    public record Result(
            List<StageFigures> stages,
            long lostWrites,
            long failedCalls,
            VerificationResult<String> afterBackfill,
            VerificationResult<String> finalVerification,
            Optional<ComparisonResult> caughtMismatch,
            Optional<Refusal> refusedRollback,
            List<RecordEntry> history) {

        public boolean succeeded() {
            return lostWrites == 0 && failedCalls == 0 && afterBackfill.isClean() && finalVerification.isClean();
        }

        public StageFigures stage(String label) {
            return stages.stream().filter(stage -> stage.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no stage '" + label + "' in " + stages));
        }
    }

    /** A stage the runtime refused: which, why, and the route that stayed in force. */
    public record Refusal(Stage stage, String reason, Route kept) {}

    /** One row of the table: what happened while a stage was in force. */
    public record StageFigures(String label, long oldCalls, long newCalls, long matches, long mismatches,
            long otherComparisons, long secondaryWriteFailures, long failedCalls, long lostWrites) {}

    static final int ORGANISATIONS = 20;
    static final int INCIDENTS_PER_ORGANISATION = 150;
    private static final int CLIENTS = 4;
    private static final long PLANTED_BUG_MISMATCHES = 100;

    private final PrintStream out;
    private final SampleApp app;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryRouteSource routes;
    private final Ledger ledger = new Ledger();
    private final Duration stageDuration;
    private final double backfillRowsPerSecond;
    // Traffic holds the read lock for each call and its record in the ledger; a checkpoint takes the write lock, so
    // it sees no call half done.
    private final ReentrantReadWriteLock checkpoint = new ReentrantReadWriteLock();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicReference<ComparisonResult> caught = new AtomicReference<>();
    private final AtomicReference<ComparisonResult> unexplained = new AtomicReference<>();
    private final List<StageFigures> stages = new ArrayList<>();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean stopping;
    // Set only while the traffic is paused, so each call sees the stage it runs in.
    private volatile boolean comparing;
    private final AtomicLong readsCompared = new AtomicLong();
    private long[] previous = new long[7];
    /** Every acknowledged write a check found missing, over the whole run: a write lost once counts once. */
    private final Set<String> lostKeys = ConcurrentHashMap.newKeySet();

    Demo(Settings settings, PrintStream out, Duration stageDuration, double backfillRowsPerSecond) {
        if (settings.unleashUrl().isPresent()) {
            throw new CannotStartException("the demo sets its stages itself: run it without UNLEASH_URL"
                    + " (serve mode takes its routes from Unleash)");
        }
        this.out = out;
        this.stageDuration = stageDuration;
        this.backfillRowsPerSecond = backfillRowsPerSecond;
        this.app = SampleApp.start(settings, registry);
        if (!app.startedOnFreshDatabase()) {
            app.close();
            // Its tables hold an earlier run's migration, at whatever step it stopped: the walk would not be from
            // the start.
            throw new CannotStartException("the demo needs an empty database or schema, and this one holds the"
                    + " incidents tables of an earlier run: drop them, or point --db-url (and --new-db-url) at a fresh"
                    + " one");
        }
        this.routes = app.stageControl().orElseThrow();
        app.onBackfillProgress(this::showProgress);
        app.onComparison(result -> {
            // A by-id mismatch shows the planted bug most plainly.
            if (result.outcome() == Outcome.MISMATCH && result.method().equals("findById")) {
                caught.compareAndSet(null, result);
            }
            if (result.outcome() == Outcome.MISMATCH && !app.newModel().bugPlanted()) {
                unexplained.compareAndSet(null, result);
            }
        });
    }

    static int runFromCommandLine(Settings settings) throws InterruptedException {
        try (Demo demo = new Demo(settings, System.out, Duration.ofMillis(2500), 1_500)) {
            Result result = demo.run();
            return result.succeeded() ? 0 : 1;
        }
    }

    Result run() throws InterruptedException {
        long started = System.nanoTime();
        out.println("dual-repo demo: incident statuses move from a text column to a table per organisation");
        out.println("database: " + describeDatabases() + "; routes: " + app.routeOrigin());
        int seeded = app.seed(ORGANISATIONS, INCIDENTS_PER_ORGANISATION);
        KeyedModel<String, Incident> oldModel = app.migration().oldModel();
        List<Incident> history = oldModel.transactions().read(session -> oldModel.page(session, null,
                Integer.MAX_VALUE));
        ledger.acknowledgedAll(history);
        out.printf("seeded the old model: %d organisations, %d incidents with a text status%n%n", ORGANISATIONS,
                seeded);
        header();

        setStage(Stage.OLD_ONLY);
        startTraffic();
        stage("OLD_ONLY", Side.OLD, () -> {
            step("expand: add incident_statuses and incidents.incident_status_id");
            // With the traffic paused. H2's alter table rebuilds the table, and updates committed while it does
            // are lost (without this pause three runs lost 1, 55 and 90 acknowledged updates, each found by the
            // verifier); PostgreSQL's takes a lock that makes writers wait instead, which the pause stands for.
            app.expand();
        });
        // Traffic goes on during the backfills, as it would in production.
        BackfillResult statuses = app.backfillStatuses();
        endProgressBar();
        step(String.format("backfill: %d organisations given the %d default statuses", statuses.rowsWritten(),
                Statuses.NAMES.size()));
        paused(() -> setStage(Stage.DUAL_WRITE));
        stage("DUAL_WRITE", Side.OLD, () -> { });

        BackfillResult copied = app.backfillIncidents(backfillRowsPerSecond);
        endProgressBar();
        AtomicReference<VerificationResult<String>> afterBackfill = new AtomicReference<>();
        stage(String.format("backfill: %d incidents copied", copied.rowsWritten()), Side.OLD, Duration.ZERO, () -> {
            afterBackfill.set(verifyModels("verify old against new"));
            app.newModel().plantBug(true);
            setStage(Stage.SHADOW);
        });
        // Long enough for the bug to show many times over, however busy the machine: the rows after it compare
        // against this one.
        awaitMismatches(PLANTED_BUG_MISMATCHES, Duration.ofSeconds(30));
        stage("SHADOW, planted bug", Side.OLD, () -> {
            Optional.ofNullable(caught.get()).ifPresentOrElse(
                    mismatch -> step("caught: " + mismatch.method() + " " + mismatch.differences()),
                    () -> step("no mismatch caught: the planted bug went unnoticed"));
            app.newModel().plantBug(false);
            setStage(Stage.SHADOW);
        });
        stage("SHADOW, bug fixed", Side.OLD, () -> setStage(Stage.LIVE));
        // The rollback is one switch: reads back to OLD. Writes never stopped reaching both, so nothing is lost.
        stage("LIVE", Side.NEW, () -> setStage(Stage.SHADOW));
        stage("rollback: read OLD", Side.OLD, () -> setStage(Stage.LIVE));
        stage("LIVE again", Side.NEW, () -> setStage(Stage.RAMPDOWN));
        AtomicReference<VerificationResult<String>> finalVerification = new AtomicReference<>();
        stage("RAMPDOWN", Side.NEW, () -> {
            finalVerification.set(verifyModels("final verify old against new"));
            setStage(Stage.NEW_ONLY);
        });
        AtomicReference<Refusal> refusedRollback = new AtomicReference<>();
        // The old model has missed every write since NEW_ONLY: reading it again would lose them, so the rules
        // refuse it and the route in force stays.
        stage("NEW_ONLY", Side.NEW, () -> refusedRollback.set(tryStage(Stage.OLD_ONLY)));
        stage("NEW_ONLY, rollback refused", Side.NEW, () -> { });
        stopTraffic();

        app.contract();
        int served = readAfterContract();
        step("contract: old column dropped; " + served + " incidents read from the new model after it");

        List<RecordEntry> recorded = app.history(RecordReport.HISTORY_SHOWN);
        RecordReport.print(out, app.migrationState(), recorded);
        // stage() runs its step before it returns: both verifications are set.
        Result result = new Result(List.copyOf(stages), lostKeys.size(), failedCalls.get(),
                Objects.requireNonNull(afterBackfill.get(), "afterBackfill"),
                Objects.requireNonNull(finalVerification.get(), "finalVerification"),
                Optional.ofNullable(caught.get()), Optional.ofNullable(refusedRollback.get()), recorded);
        out.printf("%nacknowledged writes lost: %d, failed calls: %d, final verification: %s (%d s)%n",
                result.lostWrites(), result.failedCalls(),
                result.finalVerification().isClean() ? "clean" : "NOT CLEAN",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        out.println(result.succeeded() ? "nothing lost." : "FAILED: see above.");
        return result;
    }

    private String describeDatabases() {
        return app.layout() == Layout.SAME_TABLE
                ? "one database (new model in the same table)" : "two databases (new model in the second)";
    }

    // ---- traffic

    private void startTraffic() {
        List<String> organisations = app.organisations();
        for (int c = 0; c < CLIENTS; c++) {
            List<String> mine = new ArrayList<>();
            for (int o = c; o < organisations.size(); o += CLIENTS) {
                mine.add(organisations.get(o));
            }
            Thread client = new Thread(() -> traffic(mine), "client-" + c);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
    }

    private void stopTraffic() throws InterruptedException {
        stopping = true;
        for (Thread client : clients) {
            client.join();
        }
    }

    /**
     * One client. Its organisations are its own, as a service's tenants are: a background comparison then races only
     * with this client's next write, which the runtime's re-read before reporting a mismatch settles.
     */
    private void traffic(List<String> organisations) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Incident> mine = new ArrayList<>();
        for (String organisation : organisations) {
            mine.addAll(ledger.ofOrganisation(organisation));
        }
        while (!stopping) {
            // Paced like a busy service rather than flat out, so that the comparison pool keeps up as in production.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(800));
            checkpoint.readLock().lock();
            try {
                act(random, organisations, mine);
            } catch (RuntimeException e) {
                if (failedCalls.incrementAndGet() <= 3) {
                    out.println("    failed call: " + e);
                }
            } finally {
                checkpoint.readLock().unlock();
            }
        }
    }

    private void act(ThreadLocalRandom random, List<String> organisations, List<Incident> mine) {
        IncidentRepository incidents = app.incidents();
        int action = random.nextInt(20);
        if (action == 0 || mine.isEmpty()) {
            String organisation = organisations.get(random.nextInt(organisations.size()));
            Incident created = new Incident(SampleApp.newIncidentId(), organisation,
                    "Checkout errors in " + organisation, Statuses.NAMES.get(0));
            incidents.save(created);
            ledger.acknowledged(created);
            mine.add(created);
        } else if (action < 9) {
            int index = random.nextInt(mine.size());
            Incident moved = mine.get(index).withStatus(Statuses.NAMES.get(random.nextInt(Statuses.NAMES.size())));
            incidents.save(moved);
            ledger.acknowledged(moved);
            mine.set(index, moved);
        } else if (action == 9 && mine.size() > 50) {
            Incident removed = mine.remove(random.nextInt(mine.size()));
            incidents.deleteById(removed.id());
            ledger.deleted(removed.id());
        } else if (action < 16) {
            incidents.findById(mine.get(random.nextInt(mine.size())).id());
            countRead();
        } else {
            incidents.findByOrganisation(organisations.get(random.nextInt(organisations.size())));
            countRead();
        }
    }

    private void countRead() {
        if (comparing) {
            readsCompared.incrementAndGet();
        }
    }

    private int readAfterContract() {
        int served = 0;
        for (String organisation : app.organisations()) {
            served += app.incidents().findByOrganisation(organisation).size();
        }
        return served;
    }

    // ---- the table

    private void header() {
        out.printf("%-34s %9s %9s %7s %8s %6s %9s %7s %5s%n", "stage", "old calls", "new calls", "match", "mismatch",
                "other", "sec.fails", "failed", "lost");
    }

    private void stage(String label, Side serving, Runnable thenWhilePaused) throws InterruptedException {
        stage(label, serving, stageDuration, thenWhilePaused);
    }

    /**
     * Lets the stage run under traffic, then pauses the traffic to count and check what it did, and runs the next
     * step (a switch of stage, a verification) before the traffic resumes, so that no call falls between two rows.
     */
    /** Lets the traffic run until the current stage has counted {@code count} mismatches, or {@code bound} passed. */
    private void awaitMismatches(long count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline && comparisons("mismatch") - previous[3] < count) {
            Thread.sleep(50);
        }
    }

    private void stage(String label, Side serving, Duration duration, Runnable thenWhilePaused)
            throws InterruptedException {
        Thread.sleep(duration.toMillis());
        checkpoint.writeLock().lock();
        try {
            awaitComparisons();
            app.repairPendingWrites();
            VerificationResult<String> acknowledged = ledger.verifyAgainst(app.migration().model(serving));
            long lost = acknowledged.discrepancies();
            lostKeys.addAll(acknowledged.missingInNewSample());
            lostKeys.addAll(acknowledged.missingInOldSample());
            lostKeys.addAll(acknowledged.differingSample().keySet());
            long[] now = figures();
            long[] delta = new long[now.length];
            for (int i = 0; i < now.length; i++) {
                delta[i] = now[i] - previous[i];
            }
            StageFigures figures = new StageFigures(label, delta[0], delta[1], delta[2], delta[3], delta[4], delta[5],
                    delta[6], lost);
            stages.add(figures);
            out.printf("%-34s %9d %9d %7d %8d %6d %9d %7d %5d%n", label, figures.oldCalls(), figures.newCalls(),
                    figures.matches(), figures.mismatches(), figures.otherComparisons(),
                    figures.secondaryWriteFailures(), figures.failedCalls(), figures.lostWrites());
            ComparisonResult mismatch = unexplained.getAndSet(null);
            if (mismatch != null) {
                out.println("    mismatch: " + mismatch.method() + " " + mismatch.differences());
            }
            if (lost > 0) {
                out.println("    lost, as the verifier found them: " + acknowledged.summary());
            }
            thenWhilePaused.run();
            // The next row counts from here.
            previous = figures();
        } finally {
            checkpoint.writeLock().unlock();
        }
    }

    private long[] figures() {
        return new long[] {calls("old"), calls("new"), comparisons("match"), comparisons("mismatch"),
                comparisons("secondary_error") + comparisons("timeout") + comparisons("skipped"),
                counter(DualRepoMetrics.SECONDARY_WRITE_FAILURES), failedCalls.get()};
    }

    /**
     * Waits, with the traffic paused, until the comparisons of the stage's last reads have finished (no new outcome
     * for a while), so that they count in this stage's row and not the next one's.
     */
    private void awaitComparisons() throws InterruptedException {
        // Every read made while comparing ends in exactly one outcome (skipped included), so the count is exact.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && comparisons() < readsCompared.get()) {
            Thread.sleep(20);
        }
    }

    private long comparisons() {
        return (long) registry.find(DualRepoMetrics.COMPARISONS).counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    /** Verifies both models; called with the traffic paused. */
    private VerificationResult<String> verifyModels(String label) {
        app.repairPendingWrites();
        VerificationResult<String> result = app.verify();
        step(label + ": " + (result.isClean() ? "clean, " + result.oldRowsScanned() + " incidents on each side"
                : result.summary()));
        return result;
    }

    /**
     * Called with the traffic paused, so that each call sees one stage and each row counts one. The demo walks only
     * stages the migration record allows (its backfill and verification are the evidence): a refusal here is a
     * bug, and fails the run.
     */
    private void setStage(Stage stage) {
        routes.set(SampleApp.REPOSITORY, stage);
        Route taken = app.currentRoute();
        if (!taken.equals(stage.route())) {
            throw new IllegalStateException("the runtime refused " + stage + ", keeping "
                    + RecordReport.stageName(taken) + ": "
                    + app.dualRepo().lastRefusal(SampleApp.REPOSITORY).orElse("no reason given"));
        }
        comparing = stage.route().compare().isOn();
        previous = figures();
    }

    /**
     * Offers a stage the rules refuse, with the traffic paused, and shows what the runtime did: refused it, said why,
     * kept the route in force. The route source then offers that route again, as an operator would set it back.
     */
    private Refusal tryStage(Stage stage) {
        Route before = app.currentRoute();
        Optional<String> problem = app.dualRepo().transitionProblem(SampleApp.REPOSITORY, stage.route());
        routes.set(SampleApp.REPOSITORY, stage);
        Route kept = app.currentRoute();
        String reason = app.dualRepo().lastRefusal(SampleApp.REPOSITORY).or(() -> problem).orElse("");
        routes.set(SampleApp.REPOSITORY, before);
        if (kept.equals(stage.route())) {
            throw new IllegalStateException("the runtime took " + stage + " after " + RecordReport.stageName(before)
                    + ", which the rules refuse");
        }
        step("try " + stage + " (rollback after " + RecordReport.stageName(before) + "): refused, "
                + RecordReport.stageName(kept) + " stays. " + reason);
        previous = figures();
        return new Refusal(stage, reason, kept);
    }

    /** Runs with the traffic paused: no call is half done meanwhile. */
    private void paused(Runnable work) {
        checkpoint.writeLock().lock();
        try {
            work.run();
        } finally {
            checkpoint.writeLock().unlock();
        }
    }

    private void step(String text) {
        out.println("  " + text);
    }

    // ---- the progress bar

    private final AtomicReference<String> lastBar = new AtomicReference<>();

    private void showProgress(BackfillProgress progress) {
        int width = 30;
        double fraction = progress.fraction().orElse(0);
        int filled = (int) Math.round(fraction * width);
        String bar = String.format("\r  %-22s [%s%s] %3.0f%%  %,d/%,d rows  %,.0f rows/s", progress.job(),
                "#".repeat(filled), "-".repeat(width - filled), fraction * 100, progress.done(),
                Math.max(progress.total(), progress.done()), progress.rowsPerSecond());
        // Redrawn when the count moves, not on every report.
        String counted = progress.job() + progress.done() + "/" + progress.total();
        if (!counted.equals(lastBar.getAndSet(counted))) {
            out.print(bar);
            out.flush();
        }
    }

    private void endProgressBar() {
        if (lastBar.getAndSet(null) != null) {
            out.println();
        }
    }

    // ---- figures from the registry

    private long calls(String side) {
        return (long) registry.find(DualRepoMetrics.CALLS).tag(DualRepoMetrics.TAG_SIDE, side).functionCounters()
                .stream().mapToDouble(FunctionCounter::count).sum();
    }

    private long comparisons(String outcome) {
        return (long) registry.find(DualRepoMetrics.COMPARISONS).tag(DualRepoMetrics.TAG_OUTCOME, outcome)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    private long counter(String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void close() throws InterruptedException {
        stopTraffic();
        app.close();
        ledger.close();
    }
}
