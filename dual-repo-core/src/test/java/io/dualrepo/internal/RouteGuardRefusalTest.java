package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A route the rules refuse, offered call after call, is judged again only when the answer can have changed: the
 * record's state moved, the settle time that refused it passed, or the guard was told to forget what it knows. In
 * between each call gets the refusal without a judgment, and the refusal is still counted and logged as before.
 *
 * <p>A judgment is what the counting record sees: {@code takeRoute} for a repository-wide route, {@code state} for a
 * routing key's (the guard reads the whole state to judge, and asks {@code read} only whether its version moved).
 */
class RouteGuardRefusalTest {

    private static final String REPOSITORY = "shelf";
    private static final String KEY = "tenant-7";
    private static final int CALLS = 10_000;

    private final Routes routes = new Routes();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private @Nullable DualRepo dualRepo;

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(RouteGuard.class)).addAppender(logs);
    }

    @AfterEach
    void close() {
        if (dualRepo != null) {
            dualRepo.close();
        }
        ((Logger) LoggerFactory.getLogger(RouteGuard.class)).detachAppender(logs);
    }

    private RouteGuard start(MigrationRecord record) {
        DualRepo built = DualRepo.builder().routeSource(routes).migrationRecord(record).meterRegistry(registry)
                .build();
        dualRepo = built;
        return RepositoryRuntimes.of(built).routes(REPOSITORY);
    }

    /** A guard on DUAL_WRITE, taken through the rules: NEW is written but not complete, so LIVE is refused. */
    private RouteGuard startOnDualWrite(MigrationRecord record) {
        RouteGuard guard = start(record);
        routes.repositoryWide = Stage.DUAL_WRITE.route();
        assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
        return guard;
    }

    /** What a backfill job and a verifier record elsewhere: NEW becomes complete, and LIVE legal. */
    private static void completeNew(MigrationRecord record) {
        Instant started = Instant.now();
        record.recordBackfill(REPOSITORY, Side.NEW, started, Instant.now(), 0, "backfill job");
        MigrationState verified = record.recordVerification(REPOSITORY, Instant.now(), true, "every key equal",
                "verifier");
        assertThat(verified.newSide().servesReads()).as("NEW after backfill and verification").isTrue();
    }

    private double refused() {
        return registry.get(CoreMeters.ROUTE_REFUSED.meterName()).tag(DualRepoMetrics.TAG_REPOSITORY, REPOSITORY)
                .counter().count();
    }

    private List<ILoggingEvent> errors() {
        synchronized (logs) {
            return logs.list.stream().filter(event -> event.getLevel() == Level.ERROR).toList();
        }
    }

    /** Of {@link #CALLS} calls with {@code key}, how many were routed by {@code kept}. */
    private static int callsKeeping(RouteGuard guard, @Nullable Object key, Route kept) {
        int keeping = 0;
        for (int call = 0; call < CALLS; call++) {
            if (guard.current(key).equals(kept)) {
                keeping++;
            }
        }
        return keeping;
    }

    @Test
    void aRefusedRouteOfferedAgainAndAgainIsJudgedOnceWhileTheRecordStaysAsItWas() {
        CountingRecord record = new CountingRecord(MigrationRecord.inMemory());
        RouteGuard guard = startOnDualWrite(record);
        routes.repositoryWide = Stage.LIVE.route();
        long judgments = record.takeRoutes.get();
        long reads = record.reads.get();
        double refusedBefore = refused();

        int keptDualWrite = callsKeeping(guard, null, Stage.DUAL_WRITE.route());

        assertThat(keptDualWrite).isEqualTo(CALLS);
        assertThat(record.takeRoutes.get() - judgments).as("judgments of the refused route").isEqualTo(1);
        // One look at the version per call at most, plus the judgment's own reads.
        assertThat(record.reads.get() - reads).as("reads of the record").isLessThanOrEqualTo(CALLS + 2);
        assertThat(refused() - refusedBefore).as("route_refused counted on every call").isEqualTo(CALLS);
        assertThat(errors()).as("ERROR lines").singleElement()
                .satisfies(line -> assertThat(line.getFormattedMessage()).contains("route refused"));
        assertThat(guard.lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains("NEW cannot serve reads"));
    }

    @Test
    void theCallRightAfterTheRecordMakesTheRouteLegalTakesIt() {
        MigrationRecord inMemory = MigrationRecord.inMemory();
        CountingRecord record = new CountingRecord(inMemory);
        RouteGuard guard = startOnDualWrite(record);
        routes.repositoryWide = Stage.LIVE.route();
        for (int call = 0; call < 100; call++) {
            assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
        }

        // Recorded straight into the record, as a job in another process would: this guard is not told.
        completeNew(inMemory);

        assertThat(guard.current(null)).isEqualTo(Stage.LIVE.route());
        assertThat(guard.lastRefusal()).isEmpty();
        assertThat(inMemory.state(REPOSITORY).route()).isEqualTo(Stage.LIVE.route());
    }

    @Test
    void aRouteRefusedForTheSettleTimeIsTakenOnceItHasPassedThoughTheRecordDoesNotChange() {
        Duration settleTime = Duration.ofSeconds(1);
        MigrationRecord inMemory = MigrationRecord.inMemory(settleTime);
        Instant since = onRampdown(inMemory);
        CountingRecord record = new CountingRecord(inMemory);
        RouteGuard guard = start(record);
        routes.repositoryWide = Stage.NEW_ONLY.route();

        Route first = guard.current(null);
        assumeTrue(Instant.now().isBefore(since.plus(settleTime)), "the first call came after the settle time");
        assertThat(first).isEqualTo(Stage.RAMPDOWN.route());
        assertThat(guard.lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains("cannot stop before"));

        long polls = 0;
        Instant giveUp = Instant.now().plusSeconds(10);
        Route route = first;
        while (!route.equals(Stage.NEW_ONLY.route()) && Instant.now().isBefore(giveUp)) {
            sleep(Duration.ofMillis(5));
            route = guard.current(null);
            polls++;
        }

        assertThat(route).as("the route after %s polls", polls).isEqualTo(Stage.NEW_ONLY.route());
        // The judgment that refused it, the one after the settle time; a wall clock stepping back may add one.
        assertThat(record.takeRoutes.get()).as("judgments over %s polls", polls).isLessThanOrEqualTo(3);
        assertThat(inMemory.state(REPOSITORY).version()).as("only the route taken changed the record").isEqualTo(2);
    }

    @Test
    void aRouteRefusedForTheSettleTimeIsJudgedAgainWhenTheRecordsSettleTimeChanges() {
        MigrationRecord inMemory = MigrationRecord.inMemory();
        onRampdown(inMemory);
        CountingRecord record = new CountingRecord(inMemory);
        record.settleTime = Duration.ofDays(1);
        RouteGuard guard = start(record);
        routes.repositoryWide = Stage.NEW_ONLY.route();
        for (int call = 0; call < 100; call++) {
            assertThat(guard.current(null)).isEqualTo(Stage.RAMPDOWN.route());
        }
        assertThat(record.takeRoutes.get()).isEqualTo(1);

        // How the hibernate module's model test lets a settle time pass.
        record.settleTime = Duration.ZERO;

        assertThat(guard.current(null)).isEqualTo(Stage.NEW_ONLY.route());
    }

    @Test
    void aRoutingKeysRefusedRouteIsJudgedOnceAndTakenRightAfterTheRecordMakesItLegal() {
        MigrationRecord inMemory = MigrationRecord.inMemory();
        CountingRecord record = new CountingRecord(inMemory);
        RouteGuard guard = startOnDualWrite(record);
        routes.forKeys = Stage.LIVE.route();
        long judgments = record.states.get();
        long reads = record.reads.get();
        double refusedBefore = refused();

        int keptDualWrite = callsKeeping(guard, KEY, Stage.DUAL_WRITE.route());

        assertThat(keptDualWrite).isEqualTo(CALLS);
        assertThat(record.states.get() - judgments).as("states read to judge the key's route").isLessThanOrEqualTo(1);
        assertThat(record.reads.get() - reads).as("reads of the record").isLessThanOrEqualTo(CALLS);
        assertThat(refused() - refusedBefore).as("route_refused counted on every call").isEqualTo(CALLS);
        assertThat(errors()).as("ERROR lines").singleElement()
                .satisfies(line -> assertThat(line.getFormattedMessage()).contains("routing keys"));

        completeNew(inMemory);

        assertThat(guard.current(KEY)).isEqualTo(Stage.LIVE.route());
        assertThat(guard.current(null)).as("the repository-wide route").isEqualTo(Stage.DUAL_WRITE.route());
    }

    @Test
    void refreshMakesTheNextCallJudgeTheRefusedRouteAgain() {
        CountingRecord record = new CountingRecord(MigrationRecord.inMemory());
        RouteGuard guard = startOnDualWrite(record);
        routes.repositoryWide = Stage.LIVE.route();
        long judgments = record.takeRoutes.get();
        for (int call = 0; call < 100; call++) {
            guard.current(null);
        }
        assertThat(record.takeRoutes.get() - judgments).isEqualTo(1);

        guard.refresh();
        for (int call = 0; call < 100; call++) {
            assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
        }

        assertThat(record.takeRoutes.get() - judgments).as("judgments, one before and one after refresh")
                .isEqualTo(2);
    }

    @Test
    void offeringTheRouteInForceWithdrawsTheRefusalAndTheNextOfferIsJudgedAndLoggedAfresh() {
        CountingRecord record = new CountingRecord(MigrationRecord.inMemory());
        RouteGuard guard = startOnDualWrite(record);
        routes.repositoryWide = Stage.LIVE.route();
        long judgments = record.takeRoutes.get();
        guard.current(null);
        guard.current(null);
        assertThat(guard.lastRefusal()).isPresent();

        routes.repositoryWide = Stage.DUAL_WRITE.route();
        assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
        assertThat(guard.lastRefusal()).isEmpty();

        routes.repositoryWide = Stage.LIVE.route();
        assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
        assertThat(guard.lastRefusal()).isPresent();
        assertThat(record.takeRoutes.get() - judgments).isEqualTo(2);
        assertThat(errors()).hasSize(2);
    }

    @Test
    void aRecordWithARecheckIntervalIsNotReadWhileItTrustsTheRefusal() {
        CountingRecord record = new CountingRecord(MigrationRecord.inMemory());
        record.recheckInterval = Duration.ofHours(1);
        RouteGuard guard = startOnDualWrite(record);
        routes.repositoryWide = Stage.LIVE.route();
        routes.forKeys = Stage.LIVE.route();
        guard.current(null);
        guard.current(KEY);
        guard.current(KEY);
        long reads = record.reads.get();
        long states = record.states.get();

        for (int call = 0; call < 1_000; call++) {
            assertThat(guard.current(null)).isEqualTo(Stage.DUAL_WRITE.route());
            assertThat(guard.current(KEY)).isEqualTo(Stage.DUAL_WRITE.route());
        }

        assertThat(record.reads.get() - reads).as("reads").isZero();
        assertThat(record.states.get() - states).as("states").isZero();
    }

    /**
     * RAMPDOWN in force since now, both models complete: NEW_ONLY stops writing OLD, refused only until the settle
     * time after RAMPDOWN took effect has passed.
     */
    private static Instant onRampdown(MigrationRecord record) {
        Instant since = Instant.now().truncatedTo(ChronoUnit.MICROS);
        SideState complete = new SideState(SideStatus.COMPLETE, since, null, null, true, null);
        MigrationState rampdown = new MigrationState(1, Stage.RAMPDOWN.route(), since, complete, complete);
        assertThat(record.compareAndSet(REPOSITORY, 0, rampdown, new RecordEntry(since, Origin.FORCE, null,
                Stage.RAMPDOWN.route(), "set up by the test", "test"))).isTrue();
        return since;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A repository-wide route, and one for every routing key. */
    private static final class Routes implements RouteSource {

        volatile Route repositoryWide = Stage.OLD_ONLY.route();
        volatile @Nullable Route forKeys;

        @Override
        public Optional<Route> route(String repository, @Nullable String routingKey) {
            return Optional.ofNullable(routingKey == null ? repositoryWide : forKeys);
        }
    }

    /**
     * The in-memory record, counted: {@code takeRoute} and {@code state} run the interface's own code against this
     * record, so the rules judged are the real ones.
     */
    private static final class CountingRecord implements MigrationRecord {

        final MigrationRecord delegate;
        final AtomicLong reads = new AtomicLong();
        final AtomicLong states = new AtomicLong();
        final AtomicLong takeRoutes = new AtomicLong();
        volatile Duration recheckInterval = Duration.ZERO;
        volatile @Nullable Duration settleTime;

        CountingRecord(MigrationRecord delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<MigrationState> read(String repository) {
            reads.incrementAndGet();
            return delegate.read(repository);
        }

        @Override
        public MigrationState state(String repository) {
            states.incrementAndGet();
            return delegate.state(repository);
        }

        @Override
        public MigrationState takeRoute(String repository, Route route, boolean enforce, Origin origin, String by) {
            takeRoutes.incrementAndGet();
            return MigrationRecord.super.takeRoute(repository, route, enforce, origin, by);
        }

        @Override
        public boolean compareAndSet(String repository, long expectedVersion, MigrationState next,
                RecordEntry entry) {
            return delegate.compareAndSet(repository, expectedVersion, next, entry);
        }

        @Override
        public List<RecordEntry> history(String repository, int limit) {
            return delegate.history(repository, limit);
        }

        @Override
        public Duration settleTime() {
            Duration own = settleTime;
            return own == null ? delegate.settleTime() : own;
        }

        @Override
        public Duration recheckInterval() {
            return recheckInterval;
        }
    }
}
