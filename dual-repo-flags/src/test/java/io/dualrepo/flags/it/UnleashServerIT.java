package io.dualrepo.flags.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dualrepo.Side;
import io.dualrepo.flags.FlagNames;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.flags.internal.RepositoryRoutes;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flags module against a real Unleash server: flags are created and flipped through the Admin API while a
 * generated decorator routes every call through {@code UnleashRouteSource} on the real SDK, polling every second.
 * Run with the {@code unleash-it} profile after {@code src/it/unleash-server.sh start}.
 *
 * <p>Each test has flags of its own under a prefix unique to the run, so tests do not see each other's flags and
 * reruns against the same database never collide. The outage test stops the server, so it runs last, and starts
 * it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnleashServerIT {

    private static final Logger log = LoggerFactory.getLogger(UnleashServerIT.class);

    /** How long a flag change may take to reach calls: the server's client API cache plus the SDK's 1 s polls. */
    private static final Duration FLAG_CHANGE = Duration.ofSeconds(20);
    /** How long a counter updated on the SDK's thread may lag the calls that already see the change. */
    private static final Duration COUNTED = Duration.ofSeconds(5);
    private static final String RUN = "it" + System.currentTimeMillis();

    private static UnleashServer server;
    private static UnleashAdmin admin;

    @BeforeAll
    static void serverIsUp() {
        server = UnleashServer.fromSystemProperties();
        if (!server.healthy()) {
            throw new IllegalStateException("no Unleash server answers GOOD at " + server.url() + "/health: start"
                    + " it with dual-repo-flags/src/it/unleash-server.sh start (or point -Dunleash.url at one)");
        }
        admin = new UnleashAdmin(server);
    }

    @AfterAll
    static void archiveFlags() {
        if (admin != null && server.healthy()) {
            admin.archiveCreated();
        }
    }

    private static String prefix(String test) {
        return RUN + "." + test + ".";
    }

    private static FlagNames flags(String prefix) {
        return FlagNames.of(prefix, RoutedAccounts.REPOSITORY);
    }

    @Test
    @Order(1)
    void readsMoveToNewWhenReadNewIsTurnedOnAndBackToOldWhenItIsTurnedOff() {
        String prefix = prefix("flip");
        FlagNames flags = flags(prefix);
        try (RoutedAccounts app = new RoutedAccounts(server, prefix, "flip").awaitReady()) {
            // No flag at all: OLD_ONLY.
            assertThat(app.read("acct-1")).isEqualTo(Side.OLD);
            assertThat(app.save("acct-1")).containsExactly(Side.OLD);

            admin.createOn(flags.writeNew());
            admin.createOn(flags.readNew());
            Duration moved = app.awaitReads("acct-1", Side.NEW, FLAG_CHANGE);
            log.info("reads moved to NEW {} ms after read-new was turned on", moved.toMillis());

            // Every key, not just the one that was polled: the flag has no rollout.
            for (int i = 0; i < 20; i++) {
                assertThat(app.read("acct-other-" + i)).as("acct-other-%s", i).isEqualTo(Side.NEW);
            }
            // Writes reach both models, the read source first.
            assertThat(app.save("acct-2")).containsExactly(Side.NEW, Side.OLD);
            // Changes are counted on the SDK's thread, as the new flags arrive: possibly just after calls see them.
            RoutedAccounts.eventually("a route change counted on the way to NEW", COUNTED,
                    () -> app.counter(DualRepoMetrics.ROUTE_CHANGES) >= 1);
            double changesAtNew = app.counter(DualRepoMetrics.ROUTE_CHANGES);

            // The rollback: one flag flip.
            admin.off(flags.readNew());
            Duration rolledBack = app.awaitReads("acct-1", Side.OLD, FLAG_CHANGE);
            log.info("reads rolled back to OLD {} ms after read-new was turned off", rolledBack.toMillis());
            assertThat(app.read("acct-2")).isEqualTo(Side.OLD);
            // Written while reads came from NEW, and not lost by the rollback.
            assertThat(app.oldModel.holds("acct-2")).isTrue();
            assertThat(app.save("acct-3")).containsExactly(Side.OLD, Side.NEW);
            RoutedAccounts.eventually("the rollback counted as a route change", COUNTED,
                    () -> app.counter(DualRepoMetrics.ROUTE_CHANGES) > changesAtNew);
            assertThat(app.counter(RepositoryRoutes.FLAG_REFUSED)).isZero();
            assertThat(app.counter(RepositoryRoutes.FLAG_ERRORS)).isZero();
        }
    }

    @Test
    @Order(2)
    void aFiftyPercentRolloutSplitsKeysAndEachKeyKeepsItsSide() {
        String prefix = prefix("rollout");
        FlagNames flags = flags(prefix);
        admin.createOn(flags.writeNew());
        admin.create(flags.readNew());
        admin.rollout(flags.readNew(), 50, null);
        admin.on(flags.readNew());

        Map<String, Side> first = new LinkedHashMap<>();
        try (RoutedAccounts app = new RoutedAccounts(server, prefix, "rollout").awaitReady()) {
            // Until the rollout arrives every key reads OLD; with 50 % one of twenty probes reads NEW soon after.
            RoutedAccounts.eventually("one of 20 probe keys reads NEW", FLAG_CHANGE, () -> {
                for (int i = 0; i < 20; i++) {
                    if (app.read("probe-" + i) == Side.NEW) {
                        return true;
                    }
                }
                return false;
            });

            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                keys.add("tenant-" + i);
            }
            keys.forEach(key -> first.put(key, app.read(key)));
            long onNew = first.values().stream().filter(side -> side == Side.NEW).count();
            log.info("50 % rollout: {} of {} keys read NEW", onNew, keys.size());
            assertThat(onNew).as("keys reading NEW of 200").isBetween(50L, 150L);

            // Sticky: the same key, the same side, call after call (in another order too).
            for (int round = 0; round < 3; round++) {
                List<String> order = new ArrayList<>(keys);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (String key : order) {
                    assertThat(app.read(key)).as("round %s, %s", round, key).isEqualTo(first.get(key));
                }
            }
            assertThat(app.calls("findById", Side.NEW)).isGreaterThanOrEqualTo(4 * onNew);
        }

        // And the same in another process' worth of state: the split is Unleash's hash of the key, not a cache.
        try (RoutedAccounts other = new RoutedAccounts(server, prefix, "rollout-again").awaitReady()) {
            String someNewKey = first.entrySet().stream().filter(e -> e.getValue() == Side.NEW)
                    .findFirst().orElseThrow().getKey();
            other.awaitReads(someNewKey, Side.NEW, FLAG_CHANGE);
            first.forEach((key, side) -> assertThat(other.read(key)).as(key).isEqualTo(side));
        }
    }

    @Test
    @Order(3)
    void aRouteTheRuntimeRefusesKeepsTheLastValidRouteAndIsCounted() {
        String prefix = prefix("refused");
        FlagNames flags = flags(prefix);
        admin.createOn(flags.writeNew());
        admin.createOn(flags.readNew());
        try (RoutedAccounts app = new RoutedAccounts(server, prefix, "refused").awaitReady()) {
            app.awaitReads("acct-1", Side.NEW, FLAG_CHANGE);
            assertThat(app.counter(RepositoryRoutes.FLAG_REFUSED)).isZero();

            // Reads from NEW while NEW is no longer written: NEW would fall behind. Refused.
            admin.off(flags.writeNew());
            RoutedAccounts.eventually("dualrepo.flags.refused rises", FLAG_CHANGE,
                    () -> app.read("acct-1") == Side.NEW && app.counter(RepositoryRoutes.FLAG_REFUSED) > 0);

            // The last valid route stays, for keys seen before and keys never seen: reads NEW, writes BOTH.
            for (int i = 0; i < 20; i++) {
                assertThat(app.read("acct-1")).isEqualTo(Side.NEW);
                assertThat(app.read("acct-new-" + i)).as("acct-new-%s", i).isEqualTo(Side.NEW);
                RoutedAccounts.pause(Duration.ofMillis(100));
            }
            assertThat(app.save("acct-2")).containsExactly(Side.NEW, Side.OLD);
            assertThat(app.counter(RepositoryRoutes.FLAG_REFUSED)).isGreaterThan(0);
            assertThat(app.counter(DualRepoMetrics.ROUTE_REFUSED)).isZero();

            // Valid flags again (the rollback): they apply at once.
            admin.off(flags.readNew());
            app.awaitReads("acct-1", Side.OLD, FLAG_CHANGE);
            assertThat(app.save("acct-3")).containsExactly(Side.OLD);
        }
    }

    @Test
    @Order(4)
    void theStageFlagsVariantNamesTheStage() {
        String prefix = prefix("stage");
        FlagNames flags = flags(prefix);
        admin.create(flags.stage());
        admin.rollout(flags.stage(), 100, "RAMPDOWN");
        admin.on(flags.stage());
        try (RoutedAccounts app = new RoutedAccounts(server, prefix, "stage").awaitReady()) {
            // RAMPDOWN: read NEW, write BOTH, no comparison (one model read per call).
            app.awaitReads("acct-1", Side.NEW, FLAG_CHANGE);
            assertThat(app.save("acct-1")).containsExactly(Side.NEW, Side.OLD);

            admin.rollout(flags.stage(), 100, "DUAL_WRITE");
            app.awaitReads("acct-1", Side.OLD, FLAG_CHANGE);
            assertThat(app.save("acct-2")).containsExactly(Side.OLD, Side.NEW);
            assertThat(app.counter(RepositoryRoutes.FLAG_REFUSED)).isZero();

            // A variant that names no stage: the last valid route stays, and it is counted.
            admin.rollout(flags.stage(), 100, "NEW-ONLY-TYPO");
            RoutedAccounts.eventually("dualrepo.flags.refused rises", FLAG_CHANGE,
                    () -> app.read("acct-1") == Side.OLD && app.counter(RepositoryRoutes.FLAG_REFUSED) > 0);
            for (int i = 0; i < 10; i++) {
                assertThat(app.read("acct-stage-" + i)).isEqualTo(Side.OLD);
            }
            assertThat(app.save("acct-3")).containsExactly(Side.OLD, Side.NEW);
        }
    }

    @Test
    @Order(5)
    void withTheRulesOnFlagsCannotTakeReadsBackToAModelNoLongerWrittenAndARestartWithoutTheServerKeepsTheRoute() {
        String prefix = prefix("rules");
        FlagNames flags = flags(prefix);
        MigrationRecord record = MigrationRecord.inMemory();
        admin.create(flags.stage());
        admin.rollout(flags.stage(), 100, "DUAL_WRITE");
        admin.on(flags.stage());
        try (RoutedAccounts app = new RoutedAccounts(server.clientApi(), server.clientToken(), prefix, "rules",
                UnleashRouteSource.DEFAULT_REFRESH_INTERVAL, record).awaitReady()) {
            RoutedAccounts.eventually("DUAL_WRITE taken from the flags", FLAG_CHANGE,
                    () -> app.save("acct-0").equals(List.of(Side.OLD, Side.NEW)));
            // The evidence a backfill and a verifier record (the Hibernate jobs do this through the same calls).
            Instant backfillStart = Instant.now();
            app.newModel.copyFrom(app.oldModel);
            record.recordBackfill(RoutedAccounts.REPOSITORY, Side.NEW, backfillStart, Instant.now(), 0, "it");
            record.recordVerification(RoutedAccounts.REPOSITORY, Instant.now(), true, "1 key each side", "it");
            app.dualRepo.refreshRecord(RoutedAccounts.REPOSITORY);

            for (String stage : List.of("LIVE", "RAMPDOWN", "NEW_ONLY")) {
                admin.rollout(flags.stage(), 100, stage);
                RoutedAccounts.eventually(stage + " taken from the flags", FLAG_CHANGE,
                        () -> app.dualRepo.currentRoute(RoutedAccounts.REPOSITORY).equals(Stage.valueOf(stage)
                                .route()));
            }
            assertThat(app.save("acct-1")).containsExactly(Side.NEW);

            // OLD missed acct-1: reading it again would lose that write. Refused; the flags keep saying OLD_ONLY.
            admin.rollout(flags.stage(), 100, "OLD_ONLY");
            RoutedAccounts.eventually("the refusal of OLD_ONLY", FLAG_CHANGE,
                    () -> app.read("acct-1") == Side.NEW
                            && app.dualRepo.lastRefusal(RoutedAccounts.REPOSITORY).isPresent());
            assertThat(app.dualRepo.lastRefusal(RoutedAccounts.REPOSITORY).orElseThrow())
                    .contains("OLD cannot serve reads");
            assertThat(app.read("acct-1")).isEqualTo(Side.NEW);
            assertThat(app.save("acct-2")).containsExactly(Side.NEW);
            assertThat(app.counter(DualRepoMetrics.ROUTE_REFUSED)).isPositive();
        }

        // A restart while the flag service cannot be reached: the record's route, not the default OLD_ONLY.
        try (RoutedAccounts restarted = new RoutedAccounts("http://127.0.0.1:9/api/", server.clientToken(), prefix,
                "rules-restarted", UnleashRouteSource.DEFAULT_REFRESH_INTERVAL, record)) {
            assertThat(restarted.dualRepo.currentRoute(RoutedAccounts.REPOSITORY)).isEqualTo(Stage.NEW_ONLY.route());
            assertThat(restarted.save("acct-3")).containsExactly(Side.NEW);
            assertThat(restarted.read("acct-3")).isEqualTo(Side.NEW);
        }
    }

    @Test
    @Order(100)
    void callsKeepTheirLastRouteWhileTheServerIsDown() {
        assumeTrue(server.script().isPresent(),
                "unleash.script names no script: this run may not stop and start the server");
        String prefix = prefix("outage");
        FlagNames flags = flags(prefix);
        admin.createOn(flags.writeNew());
        admin.createOn(flags.readNew());
        // Decisions expire every 2 s here, so during the outage they are made again from the SDK's last fetch.
        try (RoutedAccounts app = new RoutedAccounts(server, prefix, "outage", Duration.ofSeconds(2)).awaitReady()) {
            app.awaitReads("acct-0", Side.NEW, FLAG_CHANGE);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                keys.add("acct-" + i);
                assertThat(app.read("acct-" + i)).isEqualTo(Side.NEW);
            }
            long oldReadsBefore = app.calls("findById", Side.OLD);
            long newReadsBefore = app.calls("findById", Side.NEW);
            int failedBefore = app.failedFetches.get();

            server.stop();
            try {
                assertThat(server.healthy()).as("server down").isFalse();
                long start = System.nanoTime();
                int calls = 0;
                // At least 50 calls over at least 5 s, and until the SDK has noticed the outage.
                while (calls < 50 || System.nanoTime() - start < Duration.ofSeconds(5).toNanos()
                        || app.failedFetches.get() == failedBefore) {
                    assertThat(System.nanoTime() - start).as("the SDK notices the outage within 30 s")
                            .isLessThan(Duration.ofSeconds(30).toNanos());
                    String key = calls % 5 == 4 ? "acct-unseen-" + calls : keys.get(calls % keys.size());
                    assertThat(app.read(key)).as("call %s (%s) while the server is down", calls, key)
                            .isEqualTo(Side.NEW);
                    calls++;
                    RoutedAccounts.pause(Duration.ofMillis(100));
                }
                log.info("{} calls over {} ms with the server down, all NEW; the SDK reported {} failed fetches",
                        calls, Duration.ofNanos(System.nanoTime() - start).toMillis(),
                        app.failedFetches.get() - failedBefore);
                assertThat(app.save("acct-written-in-outage")).containsExactly(Side.NEW, Side.OLD);
                assertThat(app.calls("findById", Side.NEW) - newReadsBefore).isEqualTo(calls);
                assertThat(app.calls("findById", Side.OLD)).isEqualTo(oldReadsBefore);
                assertThat(app.counter(RepositoryRoutes.FLAG_ERRORS)).isZero();
            } finally {
                server.start();
            }

            // Back: the SDK resumes polling and flag changes flow again.
            admin.off(flags.readNew());
            Duration recovered = app.awaitReads("acct-0", Side.OLD, Duration.ofSeconds(60));
            log.info("after the restart, the rollback reached calls in {} ms", recovered.toMillis());
        }
    }
}
