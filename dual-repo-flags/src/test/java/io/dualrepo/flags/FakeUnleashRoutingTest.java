package io.dualrepo.flags;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.flags.internal.RepositoryRoutes;
import io.dualrepo.routing.Stage;
import io.getunleash.FakeUnleash;
import io.getunleash.MoreOperations;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.impactmetrics.MetricsAPI;
import io.getunleash.variant.Variant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** Routing from flags with the SDK's FakeUnleash: which side is read and written for each flag combination. */
class FakeUnleashRoutingTest {

    private static final FlagNames FLAGS = FlagNames.of("accounts");

    private final FakeUnleash fake = new FakeUnleash();
    private final CountingUnleash unleash = new CountingUnleash(fake);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private UnleashRouteSource source(int maxCachedKeys) {
        return UnleashRouteSource.builder().unleash(unleash).meterRegistry(registry)
                .maxCachedKeys(maxCachedKeys).build();
    }

    @Test
    void withNoFlagsTheRepositoryIsOldOnly() {
        try (Accounts accounts = new Accounts(source(100), registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD);
        }
    }

    @Test
    void readNewMovesReadsAndSwitchingItOffIsTheRollback() {
        UnleashRouteSource source = source(100);
        try (Accounts accounts = new Accounts(source, registry)) {
            fake.enable(FLAGS.writeNew());
            source.refresh();
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);

            fake.enable(FLAGS.readNew());
            source.refresh();
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            assertThat(accounts.writeSides("t-1")).containsExactly(NEW, OLD);

            fake.disable(FLAGS.readNew());
            source.refresh();
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
        }
    }

    @Test
    void aRolloutByTenantRoutesTheSameTenantsTheSameWayOnEveryCall() {
        Set<String> early = Set.of("t-2", "t-5", "t-7");
        fake.enable(FLAGS.writeNew());
        fake.conditionallyEnable(context -> early.contains(context.getUserId().orElse("")), FLAGS.readNew());
        try (Accounts accounts = new Accounts(source(100), registry)) {
            for (int round = 0; round < 3; round++) {
                for (int t = 0; t < 10; t++) {
                    String tenant = "t-" + t;
                    assertThat(accounts.readSide(tenant)).as(tenant).isEqualTo(early.contains(tenant) ? NEW : OLD);
                }
            }
        }
    }

    @Test
    void decisionsAreCachedPerKeySoTheSdkIsNotAskedOnEveryCall() {
        try (Accounts accounts = new Accounts(source(100), registry)) {
            for (int i = 0; i < 1_000; i++) {
                accounts.accounts.findByTenant("t-1");
            }
            // Two decisions, the key's and the repository's (whose write targets every call takes): stage,
            // read-new, write-old, write-new, compare each.
            assertThat(unleash.isEnabledCalls.get()).isEqualTo(2 * 5);
        }
    }

    @Test
    void theKeyCacheIsBoundedAndEvictedKeysAreSimplyEvaluatedAgain() {
        try (Accounts small = new Accounts(source(100), registry)) {
            for (int round = 0; round < 2; round++) {
                for (int t = 0; t < 1_000; t++) {
                    small.accounts.findByTenant("t-" + t);
                }
            }
            // 1,000 keys do not fit in 100: the second round evaluates (nearly) every key again.
            assertThat(unleash.isEnabledCalls.get()).isGreaterThan(1_000 * 5 * 3 / 2);
        }
        unleash.isEnabledCalls.set(0);
        try (Accounts large = new Accounts(source(10_000), registry)) {
            for (int round = 0; round < 2; round++) {
                for (int t = 0; t < 1_000; t++) {
                    large.accounts.findByTenant("t-" + t);
                }
            }
            assertThat(unleash.isEnabledCalls.get()).isEqualTo((1_000 + 1) * 5);
        }
    }

    @Test
    void aChangeIsSeenWithoutAnEventOnceTheRefreshIntervalHasPassed() throws Exception {
        UnleashRouteSource source = UnleashRouteSource.builder().unleash(unleash).meterRegistry(registry)
                .refreshInterval(Duration.ofMillis(50)).build();
        try (Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            fake.enable(FLAGS.readNew(), FLAGS.writeNew());
            Thread.sleep(120);
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
        }
    }

    @Test
    void theStageFlagWinsOverTheSwitches() {
        fake.enable(FLAGS.readNew(), FLAGS.writeNew(), FLAGS.stage());
        fake.setVariant(FLAGS.stage(), new Variant("SHADOW", (String) null, true));
        try (Accounts accounts = new Accounts(source(100), registry)) {
            assertThat(accounts.dualRepo.currentRoute("accounts")).isEqualTo(Stage.SHADOW.route());
            accounts.served.clear();
            accounts.accounts.findByTenant("t-1");
            // SHADOW: OLD answers, NEW is read to compare.
            assertThat(accounts.served).extracting(SideRecordingAccounts.Served::side).containsExactly(OLD, NEW);
        }
    }

    @Test
    void aStageVariantThatNamesNoStageKeepsTheLastValidRouteAndIsReportedOnce() {
        UnleashRouteSource source = source(100);
        fake.enable(FLAGS.readNew(), FLAGS.writeNew());
        try (Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);

            fake.enable(FLAGS.stage());
            fake.setVariant(FLAGS.stage(), new Variant("LIVEE", (String) null, true));
            source.refresh();
            for (int i = 0; i < 5; i++) {
                assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            }
            source.refresh();
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);

            // Each call decides twice, for its key and for the repository (whose write targets it takes).
            assertThat(accounts.counter(RepositoryRoutes.FLAG_REFUSED)).isEqualTo(2 * 2);
            assertThat(accounts.logLines("ERROR")).singleElement().asString()
                    .contains("accounts").contains(FLAGS.stage()).contains("'LIVEE'").contains("names no stage");
        }
    }

    @Test
    void flagsThatMakeARefusedRouteKeepTheLastValidRouteAndNameTheFlags() {
        UnleashRouteSource source = source(100);
        fake.enable(FLAGS.writeNew());
        try (Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);

            // Reading NEW while it is not written would serve stale data.
            fake.disable(FLAGS.writeNew());
            fake.enable(FLAGS.readNew());
            source.refresh();

            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);
            // Refused twice in one call: for the key and for the repository.
            assertThat(accounts.counter(RepositoryRoutes.FLAG_REFUSED)).isEqualTo(2);
            assertThat(accounts.logLines("ERROR")).singleElement().asString()
                    .contains(FLAGS.readNew() + "=on").contains(FLAGS.writeNew() + "=off")
                    .contains("reads come from NEW but writes go to OLD only");
        }
    }

    @Test
    void whenTheSdkThrowsEachKeyKeepsItsLastRouteAndThatIsCountedAndLoggedOnce() {
        UnleashRouteSource source = source(100);
        fake.enable(FLAGS.readNew(), FLAGS.writeNew());
        try (Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);

            unleash.failing.set(true);
            source.refresh();
            for (int i = 0; i < 20; i++) {
                assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            }
            // A key never decided before has no route of its own: the repository's last valid route applies.
            assertThat(accounts.readSide("t-new")).isEqualTo(NEW);

            // 21 calls, each deciding for its key and for the repository.
            assertThat(accounts.counter(RepositoryRoutes.FLAG_ERRORS)).isEqualTo(2 * 21);
            assertThat(accounts.counter("dualrepo.route.source.errors")).isZero();
            assertThat(accounts.logLines("WARN"))
                    .filteredOn(line -> line.contains("evaluating flags failed")).hasSize(1);

            unleash.failing.set(false);
            source.refresh();
            fake.disable(FLAGS.readNew());
            source.refresh();
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.logLines("INFO")).anySatisfy(line -> assertThat(line).contains("works again"));
        }
    }

    /** The fake, counting evaluations, and able to throw as a broken SDK would. */
    static final class CountingUnleash implements Unleash {
        private final FakeUnleash fake;
        final AtomicInteger isEnabledCalls = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();

        CountingUnleash(FakeUnleash fake) {
            this.fake = fake;
        }

        @Override
        public boolean isEnabled(String toggleName, UnleashContext context,
                BiPredicate<String, UnleashContext> fallbackAction) {
            isEnabledCalls.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("engine failure");
            }
            return fake.isEnabled(toggleName, context, fallbackAction);
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context) {
            return fake.getVariant(toggleName, context);
        }

        @Override
        public Variant getVariant(String toggleName, UnleashContext context, Variant defaultValue) {
            return fake.getVariant(toggleName, context, defaultValue);
        }

        @Override
        public MoreOperations more() {
            return fake.more();
        }

        @Override
        public MetricsAPI getImpactMetrics() {
            return fake.getImpactMetrics();
        }
    }
}
