package io.dualrepo.openfeature;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.exceptions.GeneralError;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routes from OpenFeature's in-memory provider: what each flag value routes, targeting by key, and failures. */
class InMemoryProviderRoutingTest {

    private static final String STAGE = "dualrepo.accounts.stage";
    private static final String READ_NEW = "dualrepo.accounts.read-new";
    private static final String WRITE_NEW = "dualrepo.accounts.write-new";
    private static final String WRITE_OLD = "dualrepo.accounts.write-old";
    private static final String COMPARE = "dualrepo.accounts.compare";

    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, Flag<?>> flags = new HashMap<>();
    private InMemoryProvider provider;

    @AfterEach
    void shutDown() {
        api.shutdown();
    }

    private OpenFeatureRouteSource source() {
        provider = new InMemoryProvider(flags);
        api.setProviderAndWait(provider);
        return OpenFeatureRouteSource.builder().client(api.getClient()).meterRegistry(registry).build();
    }

    private static Flag<String> stage(String value) {
        return Flag.<String>builder().variant("only", value).defaultVariant("only").build();
    }

    private static Flag<Boolean> on() {
        return Flag.<Boolean>builder().variant("on", true).defaultVariant("on").build();
    }

    private static Flag<Double> share(double value) {
        return Flag.<Double>builder().variant("share", value).defaultVariant("share").build();
    }

    @Test
    void withNoFlagsTheRepositoryIsOldOnly() {
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSides("t-1")).containsExactly(OLD);
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD);
            assertThat(source.route("accounts", "t-1")).contains(Stage.OLD_ONLY.route());
        }
    }

    @Test
    void eachRepositoryTakesTheStageOfItsOwnStringFlag() {
        flags.put(STAGE, stage("SHADOW"));
        flags.put("dualrepo.ledger.stage", stage("RAMPDOWN"));
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(source.route("accounts", "t-1")).contains(Stage.SHADOW.route());
            assertThat(source.route("ledger", "t-1")).contains(Stage.RAMPDOWN.route());
            assertThat(source.route("invoices", "t-1")).contains(Stage.OLD_ONLY.route());
            // SHADOW through the decorator: OLD answers, NEW is read to compare.
            assertThat(accounts.readSides("t-1")).containsExactly(OLD, NEW);
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);
        }
    }

    @Test
    void theSwitchesAreBooleanFlagsAndTheComparisonShareANumberFlag() {
        flags.put(WRITE_NEW, on());
        flags.put(READ_NEW, on());
        flags.put(COMPARE, share(0.25));
        try (OpenFeatureRouteSource source = source()) {
            assertThat(source.route("accounts", "t-1"))
                    .contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.sampled(0.25)));
        }
    }

    @Test
    void underAStageThatComparesTheShareSetsTheSampleAndZeroLeavesTheStagesOwn() {
        flags.put(STAGE, stage("LIVE"));
        flags.put(COMPARE, share(0.1));
        try (OpenFeatureRouteSource source = source()) {
            assertThat(source.route("accounts", "t-1"))
                    .contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.sampled(0.1)));
            provider.updateFlag(COMPARE, share(0));
            Accounts.await("the zero share is seen", () -> source.route("accounts", "t-1")
                    .equals(Optional.of(Stage.LIVE.route())));
        }
    }

    @Test
    void theRoutingKeyIsTheTargetingKeySoTargetingSticksToKeys() {
        Set<String> early = Set.of("t-2", "t-5", "t-7");
        AtomicInteger evaluations = new AtomicInteger();
        flags.put(STAGE, Flag.<String>builder()
                .variant("live", "LIVE").variant("shadow", "SHADOW").defaultVariant("shadow")
                .contextEvaluator((flag, context) -> {
                    evaluations.incrementAndGet();
                    return early.contains(context.getTargetingKey()) ? "LIVE" : "SHADOW";
                })
                .build());
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            for (int round = 0; round < 3; round++) {
                for (int t = 0; t < 10; t++) {
                    String tenant = "t-" + t;
                    assertThat(accounts.readSide(tenant)).as(tenant).isEqualTo(early.contains(tenant) ? NEW : OLD);
                }
            }
            // Cached: one evaluation per tenant and one for the repository-wide route, not one per call.
            assertThat(evaluations.get()).isEqualTo(10 + 1);
        }
    }

    @Test
    void aConfigurationChangeEventTakesEffectWithoutARefresh() {
        flags.put(STAGE, stage("DUAL_WRITE"));
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSides("t-1")).containsExactly(OLD);

            provider.updateFlag(STAGE, stage("LIVE"));

            Accounts.await("LIVE is routed", () -> accounts.readSide("t-1") == NEW);
            assertThat(accounts.readSides("t-1")).containsExactly(NEW, OLD);
            assertThat(accounts.logLines("INFO")).anySatisfy(line -> assertThat(line)
                    .contains("accounts").contains("read OLD").contains("-> read NEW"));
        }
    }

    @Test
    void aChangeToAnotherPrefixsFlagKeepsTheCachedDecisions() throws InterruptedException {
        AtomicInteger evaluations = new AtomicInteger();
        flags.put(STAGE, Flag.<String>builder().variant("dual", "DUAL_WRITE").defaultVariant("dual")
                .contextEvaluator((flag, context) -> {
                    evaluations.incrementAndGet();
                    return "DUAL_WRITE";
                })
                .build());
        try (OpenFeatureRouteSource source = source()) {
            source.route("accounts", "t-1");
            assertThat(evaluations.get()).isEqualTo(1);

            provider.updateFlag("checkout.new-button", on());
            // Nothing to wait for but time: the event is handled on the SDK's threads within milliseconds.
            Thread.sleep(300);
            source.route("accounts", "t-1");
            assertThat(evaluations.get()).isEqualTo(1);

            provider.updateFlag(READ_NEW, on());
            Accounts.await("the change of this source's flag is seen", () -> {
                source.route("accounts", "t-1");
                return evaluations.get() == 2;
            });
        }
    }

    @Test
    void forAProviderThatEmitsNoChangeEventsTheRefreshIntervalDropsDecisions() throws InterruptedException {
        // Flags that change behind the provider's back, as with a provider that emits no events.
        AtomicReference<String> stage = new AtomicReference<>("DUAL_WRITE");
        flags.put(STAGE, Flag.<String>builder().variant("any", "DUAL_WRITE").defaultVariant("any")
                .contextEvaluator((flag, context) -> stage.get())
                .build());
        provider = new InMemoryProvider(flags);
        api.setProviderAndWait(provider);
        try (OpenFeatureRouteSource cached = OpenFeatureRouteSource.builder().client(api.getClient())
                        .meterRegistry(registry).build();
                OpenFeatureRouteSource refreshed = OpenFeatureRouteSource.builder().client(api.getClient())
                        .meterRegistry(registry).refreshInterval(Duration.ofMillis(50)).build()) {
            assertThat(cached.route("accounts", "t-1")).contains(Stage.DUAL_WRITE.route());
            assertThat(refreshed.route("accounts", "t-1")).contains(Stage.DUAL_WRITE.route());

            stage.set("SHADOW");
            Accounts.await("the interval drops the decision", () -> refreshed.route("accounts", "t-1")
                    .equals(Optional.of(Stage.SHADOW.route())));
            // Without the interval, nothing told the source: the decision stands.
            assertThat(cached.route("accounts", "t-1")).contains(Stage.DUAL_WRITE.route());
        }
    }

    @Test
    void staleFlagsKeepTheRoutesAndAreCountedAndLogged() {
        flags.put(STAGE, stage("SHADOW"));
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSides("t-1")).containsExactly(OLD, NEW);

            provider.emitProviderStale(ProviderEventDetails.builder().message("sync stream lost").build());
            Accounts.await("the stale event is seen", () -> registry.find(OpenFeatureMetrics.PROVIDER_TROUBLES)
                    .tag(OpenFeatureMetrics.TAG_KIND, "stale").counter().count() == 1);

            assertThat(accounts.readSides("t-1")).containsExactly(OLD, NEW);
            Accounts.await("the stale event is logged", () -> accounts.logLines("WARN").stream().anyMatch(line ->
                    line.contains("stale flags") && line.contains("sync stream lost")
                            && line.contains("keeps its last route")));
            assertThat(accounts.counter(OpenFeatureMetrics.ERRORS)).isZero();

            provider.emitProviderReady(ProviderEventDetails.builder().build());
            Accounts.await("ready again is logged", () -> accounts.logLines("INFO").stream()
                    .anyMatch(line -> line.contains("flag provider ready again")));
        }
    }

    @Test
    void aStageThatNamesNoStageIsRefusedAndTheLastValidRouteKept() {
        flags.put(STAGE, stage("SHADOW"));
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSides("t-1")).containsExactly(OLD, NEW);

            provider.updateFlag(STAGE, stage("LIVEE"));
            Accounts.await("the bad value is refused", () -> {
                accounts.readSide("t-1");
                return accounts.counter(OpenFeatureMetrics.REFUSED) > 0;
            });
            for (int i = 0; i < 5; i++) {
                assertThat(accounts.readSides("t-1")).containsExactly(OLD, NEW);
            }
            // A key never decided before takes the last valid route too.
            assertThat(accounts.readSides("t-new")).containsExactly(OLD, NEW);
            assertThat(accounts.logLines("ERROR")).singleElement().asString()
                    .contains("accounts").contains(STAGE).contains("'LIVEE'").contains("names no stage");
        }
    }

    @Test
    void aComparisonShareOutsideZeroToOneIsRefused() {
        flags.put(WRITE_NEW, on());
        flags.put(COMPARE, share(0.5));
        try (OpenFeatureRouteSource source = source()) {
            Route before = Route.of(ReadSource.OLD, WriteTargets.BOTH, Comparison.sampled(0.5));
            assertThat(source.route("accounts", "t-1")).contains(before);

            // A percentage where a share is expected.
            provider.updateFlag(COMPARE, share(25));
            Accounts.await("the share is refused", () -> registry.find(OpenFeatureMetrics.REFUSED).counter() != null
                    && source.route("accounts", "t-1").isPresent()
                    && registry.find(OpenFeatureMetrics.REFUSED).counter().count() > 0);
            assertThat(source.route("accounts", "t-1")).contains(before);
        }
    }

    @Test
    void aFlagOfTheWrongTypeIsRefused() {
        flags.put(WRITE_NEW, on());
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);

            // A boolean where the stage's string is expected.
            provider.updateFlag(STAGE, on());
            Accounts.await("the wrong type is refused", () -> {
                accounts.writeSides("t-1");
                return accounts.counter(OpenFeatureMetrics.REFUSED) > 0;
            });
            assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);
            assertThat(accounts.logLines("ERROR")).anySatisfy(line -> assertThat(line)
                    .contains(STAGE).contains("cannot be read as a string flag").contains("TYPE_MISMATCH"));
        }
    }

    @Test
    void writingNeitherModelIsRefused() {
        flags.put(WRITE_NEW, on());
        try (OpenFeatureRouteSource source = source()) {
            assertThat(source.route("accounts", "t-1")).contains(Stage.DUAL_WRITE.route());
            provider.updateFlag(WRITE_NEW, Flag.<Boolean>builder().variant("off", false).defaultVariant("off").build());
            provider.updateFlag(WRITE_OLD, Flag.<Boolean>builder().variant("off", false).defaultVariant("off").build());
            Accounts.await("the route is refused", () -> {
                source.route("accounts", "t-1");
                return registry.find(OpenFeatureMetrics.REFUSED).counter().count() > 0;
            });
            assertThat(source.route("accounts", "t-1")).contains(Stage.DUAL_WRITE.route());
        }
    }

    @Test
    void whenEvaluationFailsEachKeyKeepsItsLastRouteAndThatIsCountedAndLoggedOnce() {
        flags.put(STAGE, stage("LIVE"));
        provider = new FailingProvider(flags);
        api.setProviderAndWait(provider);
        FailingProvider failing = (FailingProvider) provider;
        try (OpenFeatureRouteSource source = OpenFeatureRouteSource.builder().client(api.getClient())
                .meterRegistry(registry).build();
                Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);

            failing.failing.set(true);
            source.refresh();
            for (int i = 0; i < 5; i++) {
                assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            }
            // A key never decided before has no route of its own: the repository's last valid route applies.
            assertThat(accounts.readSide("t-new")).isEqualTo(NEW);
            // 6 calls, each deciding for its key and for the repository.
            assertThat(accounts.counter(OpenFeatureMetrics.ERRORS)).isEqualTo(2 * 6);
            assertThat(accounts.counter("dualrepo.route.source.errors")).isZero();
            assertThat(accounts.logLines("WARN")).filteredOn(line -> line.contains("evaluating flags failed"))
                    .hasSize(1);

            failing.failing.set(false);
            provider.updateFlag(STAGE, stage("RAMPDOWN"));
            Accounts.await("RAMPDOWN is routed", () -> accounts.readSides("t-1").equals(List.of(NEW)));
            assertThat(accounts.logLines("INFO")).anySatisfy(line -> assertThat(line).contains("works again"));
        }
    }

    @Test
    void aFatalProviderErrorKeepsTheLastRoutesUntilTheProviderIsReadyAgain() {
        flags.put(STAGE, stage("LIVE"));
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);

            provider.emitProviderError(ProviderEventDetails.builder().errorCode(ErrorCode.PROVIDER_FATAL)
                    .message("credentials revoked").build());
            Accounts.await("the error is seen", () -> registry.find(OpenFeatureMetrics.PROVIDER_TROUBLES)
                    .tag(OpenFeatureMetrics.TAG_KIND, "error").counter().count() == 1);
            // Even evaluated anew, every key keeps its route: the provider answers nothing but errors.
            source.refresh();
            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            assertThat(accounts.readSide("t-other")).isEqualTo(NEW);
            assertThat(accounts.counter(OpenFeatureMetrics.ERRORS)).isPositive();
            assertThat(accounts.logLines("WARN")).anySatisfy(line -> assertThat(line)
                    .contains("an error").contains("FATAL").contains("credentials revoked")
                    .contains("keeps its last route"));

            provider.updateFlag(STAGE, stage("RAMPDOWN"));
            provider.emitProviderReady(ProviderEventDetails.builder().build());
            Accounts.await("RAMPDOWN is routed", () -> accounts.readSides("t-1").equals(List.of(NEW)));
        }
    }

    /** The in-memory provider, able to fail as a provider whose backend is down does. */
    static final class FailingProvider extends InMemoryProvider {
        final AtomicBoolean failing = new AtomicBoolean();

        FailingProvider(Map<String, Flag<?>> flags) {
            super(flags);
        }

        @Override
        public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue,
                EvaluationContext context) {
            if (failing.get()) {
                throw new GeneralError("backend down");
            }
            return super.getStringEvaluation(key, defaultValue, context);
        }
    }
}
