package io.dualrepo.hibernate.durable;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.SideState;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system under test of {@link StageSequencesTest} and its reference model, for one generated sequence at a time.
 *
 * <p>The real thing: the generated {@link DualIncidentRepository} over real databases ({@link StageLayout}: two with
 * a {@link CrossDatabaseScope}, or one with a {@code SameDatabaseScope}), a {@link DatabaseMigrationRecord} in OLD's
 * database (its settle time set by {@link SettlingRecord}), the rules enforced, routes from an {@link
 * InMemoryRouteSource}, including read-through; each model wrapped in a {@link SwitchableFailure} so that a step can
 * make its write throw. The databases live as long as the test; {@link
 * #reset} empties them between sequences, which is much cheaper than building session factories per sequence.
 *
 * <p>The reference model: per key, the last acknowledged value (absent after a delete). A call that returned is
 * acknowledged (with RECORD_AND_CONTINUE it returns when only the secondary failed: the primary committed). A call
 * that threw is not; under RECORD_AND_CONTINUE it had no effect (only the primary's failure makes it throw, and the
 * primary's write and its pending-sync rows roll back together), under FAIL_CALL, and under read-through whatever the
 * policy (OLD's failure fails the call there), it may have committed in the primary, so until the key's next acknowledged write a read may also return its value (it is newer, not older,
 * than the acknowledged one).
 *
 * <p>The invariant ({@link #violations}): a read through the decorator returns the key's last acknowledged value,
 * unless a force covers the key. What a force covers (a <i>waiver</i>): forcing a model complete declares what it
 * holds acceptable, missing writes and all, so at each key where it held something else than the last acknowledged
 * value, that value is acceptable too, from either model (a backfill or a repair may copy it over, as they copy any
 * value of a complete model), until the key's next acknowledged write. Writes acknowledged after the force are not
 * covered: a force of a model the route in force does not write is refused, since it would cover every write the
 * model misses afterwards (found by this test). And wherever nothing waits for the repair (no pending-sync row in any database), a
 * model the record says may serve reads, and that the route in force writes, holds the acknowledged value of each
 * key, or one a waiver allows: "complete" must mean complete.
 *
 * <p>Several callers: a second caller's write ({@link Step.Hold}) runs on a thread of its own and stops in a {@link
 * HeldWrites} wrapper, before the primary's write or between the primary's commit and the secondary's write (where
 * {@link CrossDatabaseScope} holds no transaction; with the one database's scope the secondary's write is in the
 * primary's transaction, so the hold is before the primary's write there, where no lock is held yet), while the
 * sequence's other steps run, until {@link Step.Release} lets it go on and waits (bounded) for its call. At most one
 * write is held at a time. The model:
 * <ul>
 *   <li>While it is held, it is in flight, not acknowledged: a read of its key may return its value as well as
 *       whatever the rules above allow.
 *   <li>Once it returns, it is acknowledged, concurrently with every write to its key acknowledged while it was in
 *       flight. Of those, the one its primary (the route's when it started) committed last is the key's value: the
 *       primary must hold one of them, and from then on that one is the key's last acknowledged value, everything
 *       above applies to it, the other model included (when nothing is pending, a complete model holds it). So a
 *       concurrent write may not leave the models apart with nothing recorded (found by this test: see {@code
 *       CrossDatabaseScope#clearUnlessRaced}).
 *   <li>A held write that throws is not acknowledged; its value may be read until the key's next acknowledged write.
 *   <li>Routes change while a call is held. A call that took its route before a change and returns after it is an
 *       instance that has not followed the change yet, which the rules cover only within the record's settle time
 *       ({@link io.dualrepo.record.MigrationRecord#settleTime()}): {@link SettlingRecord} makes the settle time
 *       longer than the hold while a call is held, passed once it returned, and zero until a call is first held. A
 *       restart lets the held call return first.
 *   <li>A held read (read-through, stopped just before it copies what OLD answered into NEW, while writes and route
 *       changes run) may answer any value acceptable at its start or acknowledged while it was in flight; after it
 *       returned, the invariant above holds for every key as always, so a copy that brought back a deleted row or an
 *       overwritten value is found by the next step's reads.
 * </ul>
 */
final class StageWorld implements AutoCloseable {

    static final String REPOSITORY = "incidents";
    static final List<String> KEYS = List.of("i-1", "i-2", "i-3");

    private final StageLayout databases;
    private final SwitchableFailure oldModel;
    private final SwitchableFailure newModel;
    private final Map<Side, HeldWrites> holding = new java.util.EnumMap<>(Side.class);
    private final ExecutorService secondThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-test-second-caller");
        thread.setDaemon(true);
        return thread;
    });
    /** The second caller's write, while it is held (or released and not yet judged); null otherwise. */
    private SecondCaller second;
    /** What judging a returned second caller found wrong, reported with the step's other violations. */
    private final List<String> settled = new ArrayList<>();

    private InMemoryRouteSource routes;
    private DualRepo dualRepo;
    private MigrationRecord record;
    private IncidentRepository incidents;
    private Route offered;
    /** Whether a call is held: read by the record ({@link SettlingRecord}), on any thread. */
    private volatile boolean callHeld;
    /** Whether a call was held in this sequence: the settle time is a fleet's from then on. */
    private volatile boolean callsHeldBefore;
    private int writes;

    /** Key -> last acknowledged title, or empty when deleted or never written. */
    private final Map<String, Optional<String>> acknowledged = new LinkedHashMap<>();
    /** Key -> values a force made acceptable (what a forced model held there) until its next acknowledged write. */
    private final Map<String, Set<Optional<String>>> waived = new LinkedHashMap<>();
    /**
     * Key -> values of writes since its last acknowledged one that threw after their primary committed (the policy
     * FAIL_CALL, a secondary that failed): a read may return one of them, as it is not older than an acknowledged
     * write. Cleared by the next acknowledged write of the key.
     */
    private final Map<String, Set<Optional<String>>> unacknowledged = new LinkedHashMap<>();
    private SecondaryWriteFailurePolicy policy = SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE;
    /** What happened so far in this sequence, for the failure message. */
    private final List<String> trace = new ArrayList<>();

    StageWorld(StageLayout layout) {
        databases = layout;
        // The failure switch outside the hold: a held write has passed its check, so faults of later steps miss it.
        holding.put(Side.OLD, new HeldWrites(new LegacyIncidents(databases.oldSessions())));
        holding.put(Side.NEW, new HeldWrites(new StatusTableIncidents(databases.newSessions())));
        oldModel = new SwitchableFailure(holding.get(Side.OLD));
        newModel = new SwitchableFailure(holding.get(Side.NEW));
        // The backfill's tables exist from here on, so that reset can empty them.
        Backfill.builder(databases.migration()).build().run();
        DatabaseMigrationRecord.builder(databases.oldSessions()).build();
    }

    /** Empties the databases and the reference model, and starts a process on them with this failure policy. */
    void reset(SecondaryWriteFailurePolicy policy) {
        this.policy = policy;
        if (second != null) {
            // Its outcome does not matter any more; it must not write into the next sequence.
            second.release();
            second = null;
        }
        settled.clear();
        callHeld = false;
        callsHeldBefore = false;
        unacknowledged.clear();
        if (dualRepo != null) {
            dualRepo.close();
        }
        databases.reset();
        acknowledged.clear();
        for (String key : KEYS) {
            acknowledged.put(key, Optional.empty());
        }
        waived.clear();
        trace.clear();
        writes = 0;
        offered = null;
        oldModel.failing(false);
        newModel.failing(false);
        start(InMemoryRouteSource.create());
    }

    private void start(InMemoryRouteSource source) {
        routes = source;
        // A new record object per process, over the same tables: what a restarted process has.
        record = new SettlingRecord(DatabaseMigrationRecord.builder(databases.oldSessions()).build(),
                () -> callHeld, () -> callsHeldBefore);
        dualRepo = DualRepo.builder().secondaryWriteFailurePolicy(policy).routeSource(routes).migrationRecord(record)
                .dualWriteScope(databases.scope()).meterRegistry(new SimpleMeterRegistry()).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
    }

    /** Runs one step and returns what the invariant found wrong after it (empty: nothing). */
    List<String> run(Step step) {
        String outcome = apply(step);
        Route route = dualRepo.currentRoute(REPOSITORY);
        if (second != null && !route.equals(second.route)) {
            second.onAnEarlierRoute = true;
        }
        trace.add(step + (outcome.isBlank() ? "" : " [" + outcome.strip() + "]") + " -> " + nameOf(route));
        return violations();
    }

    List<String> trace() {
        return trace;
    }

    private String apply(Step step) {
        if (step instanceof Step.Offer offer) {
            return offer(offer.stage().route());
        } else if (step instanceof Step.OfferReadThrough) {
            return offer(Stage.readThrough(Comparison.OFF));
        } else if (step instanceof Step.Move move) {
            Route now = dualRepo.currentRoute(REPOSITORY);
            // Read-through sits between DUAL_WRITE (both written, OLD read) and LIVE (NEW read).
            int at = stageOf(now).map(Stage::ordinal).orElse(move.by() > 0 ? Stage.SHADOW.ordinal()
                    : Stage.DUAL_WRITE.ordinal() + 1);
            int next = Math.max(0, Math.min(Stage.values().length - 1, at + move.by()));
            return offer(Stage.values()[next].route()) + " " + Stage.values()[next];
        } else if (step instanceof Step.Save save) {
            String title = "t" + (++writes);
            return write(save.key(), save.fault(), Optional.of(title),
                    () -> incidents.save(new Incident(save.key(), TwoDatabases.ORGANISATION, title, "fixing")));
        } else if (step instanceof Step.Delete delete) {
            return write(delete.key(), delete.fault(), Optional.empty(), () -> incidents.deleteById(delete.key()));
        } else if (step instanceof Step.Read read) {
            // A read that migrates on read under read-through; the invariant's reads (findById) copy nothing.
            incidents.findMigrating(read.key());
            return "";
        } else if (step instanceof Step.Backfill) {
            BackfillResult result;
            try {
                result = Backfill.builder(databases.migration()).restart().migrationRecord(record).build().run();
            } catch (IllegalStateException newIsThePrimary) {
                return "refused";
            }
            dualRepo.refreshRecord(REPOSITORY);
            return result.finished() ? "" : "not finished";
        } else if (step instanceof Step.Verify) {
            boolean clean = Verifier.builder(databases.migration()).migrationRecord(record)
                    .meterRegistry(new SimpleMeterRegistry()).build().verify().isClean();
            dualRepo.refreshRecord(REPOSITORY);
            return clean ? "clean" : "not clean";
        } else if (step instanceof Step.Force force) {
            Map<String, Optional<String>> holds = new LinkedHashMap<>();
            for (String key : KEYS) {
                holds.put(key, held(force.side(), key));
            }
            try {
                dualRepo.force(REPOSITORY, force.side(), "model-based test", "operator");
            } catch (IllegalStateException refused) {
                // Vouching for a model nothing writes, or one that calls still on an earlier route may write without,
                // would cover the writes it misses afterwards.
                return "refused";
            }
            if (!dualRepo.currentRoute(REPOSITORY).write().includes(force.side())) {
                throw new AssertionError("a force of " + force.side() + ", which the route does not write, was taken");
            }
            holds.forEach((key, held) -> {
                if (!held.equals(acknowledged.get(key))) {
                    waived.computeIfAbsent(key, k -> new HashSet<>()).add(held);
                }
            });
            return "";
        } else if (step instanceof Step.Repair) {
            RepairResult result = PendingSyncRepair.builder().migration(databases.migration())
                    .meterRegistry(new SimpleMeterRegistry()).build().repairNow();
            dualRepo.refreshRecord(REPOSITORY);
            return result.keysFailed() == 0 ? "" : result.keysFailed() + " failed";
        } else if (step instanceof Step.Hold hold) {
            return hold(hold);
        } else if (step instanceof Step.Release) {
            return second == null ? "nothing held" : settle();
        } else if (step instanceof Step.Restart restart) {
            // A process that stops lets its callers return first: a death between the two writes is the pending-sync
            // tests' (ProcessDeathTest), and a thread cannot be killed here.
            String finished = second == null ? "" : "the held write finished first: " + settle();
            dualRepo.close();
            InMemoryRouteSource source = InMemoryRouteSource.create();
            if (!restart.flagsDown() && offered != null) {
                source.set(REPOSITORY, offered);
            }
            start(source);
            return finished;
        }
        throw new IllegalArgumentException("unknown step " + step);
    }

    private String offer(Route route) {
        offered = route;
        routes.set(REPOSITORY, route);
        dualRepo.currentRoute(REPOSITORY);
        return dualRepo.lastRefusal(REPOSITORY).isPresent() ? "refused" : "";
    }

    private String write(String key, Step.Fault fault, Optional<String> value, Runnable call) {
        // Under read-through NEW's failure fails the call too, with OLD's write (first there) standing.
        boolean primaryMayStand = policy == SecondaryWriteFailurePolicy.FAIL_CALL
                || dualRepo.currentRoute(REPOSITORY).read() == ReadSource.NEW_THEN_OLD;
        SwitchableFailure failing = fault == Step.Fault.OLD ? oldModel : fault == Step.Fault.NEW ? newModel : null;
        if (failing != null) {
            failing.failing(true);
        }
        try {
            call.run();
        } catch (RuntimeException notAcknowledged) {
            // Otherwise only the primary's failure throws, and it rolled back: nothing to allow.
            if (primaryMayStand) {
                unacknowledged.computeIfAbsent(key, k -> new HashSet<>()).add(value);
            }
            return "threw";
        } finally {
            if (failing != null) {
                failing.failing(false);
            }
        }
        acknowledged.put(key, value);
        unacknowledged.remove(key);
        waived.remove(key);
        if (second != null && second.key.equals(key)) {
            second.concurrent.add(value);
        }
        return "";
    }

    private String hold(Step.Hold hold) {
        if (second != null) {
            return "one is held already";
        }
        Route route = dualRepo.currentRoute(REPOSITORY);
        if (hold.call() == Step.Call.READ) {
            String key = unmigrated(hold.key());
            // A read-through read's copy is a write into NEW: the hold stops it there, after it read OLD.
            AtomicReference<Optional<String>> answer = new AtomicReference<>();
            callHeld = true;
            second = SecondCaller.start(key, answer, acknowledged.get(key), route, holding.get(Side.NEW),
                    () -> answer.set(incidents.findMigrating(key).map(Incident::title)), secondThread);
            second.concurrent.addAll(unacknowledged.getOrDefault(key, Set.of()));
            second.concurrent.addAll(waived.getOrDefault(key, Set.of()));
            callsHeldBefore |= !second.neverHeld();
            return (key.equals(hold.key()) ? "" : "of " + key + ", which NEW lacks: ")
                    + (second.neverHeld() ? "not held (no copy): " + settle() : "");
        }
        String key = hold.key();
        Side primary = writtenFirst(route);
        boolean beforePrimary = hold.point() == Step.HoldPoint.BEFORE_PRIMARY
                || !databases.secondaryOutsideTransaction();
        HeldWrites model = holding.get(beforePrimary ? primary : primary.other());
        boolean delete = hold.call() == Step.Call.DELETE;
        Optional<String> value = delete ? Optional.empty() : Optional.of("t" + (++writes));
        Runnable call = delete ? () -> incidents.deleteById(key)
                : () -> incidents.save(new Incident(key, TwoDatabases.ORGANISATION, value.get(), "fixing"));
        callHeld = true;
        second = SecondCaller.start(key, null, value, route, model, call, secondThread);
        callsHeldBefore |= !second.neverHeld();
        if (second.neverHeld()) {
            return "not held (no secondary write): " + settle();
        }
        return beforePrimary && hold.point() == Step.HoldPoint.BEFORE_SECONDARY ? "held before the primary's write"
                + " instead: the secondary's is in the primary's transaction" : "";
    }

    /**
     * A key that OLD holds and NEW lacks, starting from {@code key}, or {@code key} when there is none: a read there
     * copies under read-through, and such keys are rare otherwise (every write under read-through reaches NEW).
     */
    private String unmigrated(String key) {
        int from = KEYS.indexOf(key);
        for (int i = 0; i < KEYS.size(); i++) {
            String candidate = KEYS.get((from + i) % KEYS.size());
            if (held(Side.NEW, candidate).isEmpty() && held(Side.OLD, candidate).isPresent()) {
                return candidate;
            }
        }
        return key;
    }

    /**
     * Judges the second caller's write once it returned: acknowledged now, so the key's value is whichever of the
     * writes acknowledged while it was in flight (its own included) its primary committed last; the primary must hold
     * one of them, and from here on that one is the key's acknowledged value.
     */
    private String settle() {
        SecondCaller done = second;
        second = null;
        Throwable error = done.release();
        callHeld = false;
        if (done.read) {
            return judgeRead(done, error);
        }
        if (error != null) {
            // Not acknowledged; it may have committed in the primary, so its value may be read until the next write.
            unacknowledged.computeIfAbsent(done.key, k -> new HashSet<>()).add(done.value);
            return "threw";
        }
        Optional<String> decided = held(done.primary, done.key);
        if (done.concurrent.contains(decided)) {
            acknowledged.put(done.key, decided);
            unacknowledged.remove(done.key);
            waived.remove(done.key);
        } else if (!allowed(unacknowledged, done.key, decided)) {
            settled.add("the held write of " + done.key + " returned, and " + done.primary + " (its primary) holds "
                    + show(decided) + ", none of the writes acknowledged meanwhile " + done.concurrent);
        }
        String when = done.onAnEarlierRoute ? " (on an earlier route)" : "";
        return (done.concurrent.size() > 1 ? "raced: " + done.primary + " holds " + show(decided) : "returned") + when;
    }

    /** A held read may answer what was acceptable at its start or acknowledged while it was in flight. */
    private String judgeRead(SecondCaller done, Throwable error) {
        if (error != null) {
            settled.add("the held read of " + done.key + " threw " + error);
            return "threw";
        }
        Optional<String> answer = done.answer.get();
        if (!done.concurrent.contains(answer) && !allowed(unacknowledged, done.key, answer)
                && !allowed(waived, done.key, answer)) {
            settled.add("the held read of " + done.key + " answered " + show(answer) + ", none of the values"
                    + " acceptable at its start or acknowledged while it was in flight " + done.concurrent);
        }
        return "answered " + show(answer) + (done.onAnEarlierRoute ? " (on an earlier route)" : "");
    }

    private List<String> violations() {
        List<String> found = new ArrayList<>(settled);
        settled.clear();
        Route route = dualRepo.currentRoute(REPOSITORY);
        Side serving = route.primary();
        for (String key : KEYS) {
            Optional<String> read = incidents.findById(key).map(Incident::title);
            Optional<String> expected = acknowledged.get(key);
            if (!read.equals(expected) && !allowed(waived, key, read) && !allowed(unacknowledged, key, read)
                    && !inFlight(key, read)) {
                found.add("read " + key + " from " + serving + " returned " + show(read) + ", last acknowledged "
                        + show(expected));
            }
        }
        if (pendingRows() == 0) {
            MigrationState state = record.state(REPOSITORY);
            for (Side side : Side.values()) {
                SideState standing = state.side(side);
                if (!standing.servesReads() || !state.route().write().includes(side)
                        || standing.status() != SideStatus.COMPLETE) {
                    continue;
                }
                for (String key : KEYS) {
                    Optional<String> held = held(side, key);
                    if (!held.equals(acknowledged.get(key)) && !allowed(waived, key, held)
                            && !allowed(unacknowledged, key, held) && !inFlight(key, held)) {
                        found.add(side + " is complete on record with nothing pending, but holds " + show(held)
                                + " at " + key + ", last acknowledged " + show(acknowledged.get(key)));
                    }
                }
            }
        }
        return found;
    }

    /** While the second caller's write is held, its value may be read as well as the one before it. */
    private boolean inFlight(String key, Optional<String> value) {
        return second != null && !second.read && second.key.equals(key) && second.value.equals(value);
    }

    private static boolean allowed(Map<String, Set<Optional<String>>> values, String key,
            Optional<String> value) {
        return values.getOrDefault(key, Set.of()).contains(value);
    }

    private long pendingRows() {
        return databases.pendingRows();
    }

    /** The title a model holds at a key, read straight from its database. */
    private Optional<String> held(Side side, String key) {
        var model = databases.migration().model(side);
        return model.transactions().read(session -> model.find(session, key)).map(Incident::title);
    }

    private static String show(Optional<String> value) {
        return value.orElse("nothing");
    }

    private static Optional<Stage> stageOf(Route route) {
        for (Stage stage : Stage.values()) {
            if (stage.route().equals(route)) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }

    /** The model a dual write writes first: the read source's, and OLD under read-through. */
    static Side writtenFirst(Route route) {
        return route.read() == ReadSource.NEW_THEN_OLD ? Side.OLD : route.primary();
    }

    private static String nameOf(Route route) {
        if (route.read() == ReadSource.NEW_THEN_OLD) {
            return "READ_THROUGH";
        }
        return stageOf(route).map(Stage::name).orElseThrow(() -> new IllegalStateException("not a stage: " + route));
    }

    @Override
    public void close() throws SQLException {
        if (second != null) {
            second.release();
            second = null;
        }
        secondThread.shutdown();
        if (dualRepo != null) {
            dualRepo.close();
        }
        databases.close();
    }

    @Override
    public String toString() {
        return databases.toString();
    }

    static boolean postgresql() {
        return TestDatabase.postgresql();
    }
}
