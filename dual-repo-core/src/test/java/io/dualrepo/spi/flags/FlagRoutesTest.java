package io.dualrepo.spi.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The provider-neutral flag logic, read through a flag reader over a map (the simplest flag service there is): what
 * routes, what is cached, what is refused, and what a failing service leaves in force.
 */
class FlagRoutesTest {

    private static final FlagKeys FLAGS = FlagKeys.of("dualrepo.", "accounts");

    private final MapFlags service = new MapFlags();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.dualrepo.test.FlagRoutesTest");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    FlagRoutesTest() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logs);
    }

    private FlagRoutes<String> routes(int maxCachedKeys) {
        return new FlagRoutes<>("accounts", FLAGS, service, registry, maxCachedKeys, logger);
    }

    private double counter(String name) {
        return registry.get(name).tag(DualRepoMetrics.TAG_REPOSITORY, "accounts").counter().count();
    }

    private List<String> lines(String level) {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel().toString().equals(level))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void theFlagNamesFollowThePrefixAndTheRepository() {
        assertThat(FLAGS).isEqualTo(new FlagKeys("dualrepo.accounts.read-new", "dualrepo.accounts.write-old",
                "dualrepo.accounts.write-new", "dualrepo.accounts.compare", "dualrepo.accounts.stage"));
    }

    @Test
    void noFlagsAtAllIsOldOnly() {
        assertThat(routes(10).route("k", 0)).contains(Stage.OLD_ONLY.route());
    }

    @Test
    void theSwitchesMakeTheRoute() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.writeNew(), true);
        assertThat(routes.route("k", 0)).contains(Stage.DUAL_WRITE.route());
        service.set(FLAGS.readNew(), true);
        service.set(FLAGS.compare(), 0.5);
        assertThat(routes.route("k", 1))
                .contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.sampled(0.5)));
        service.set(FLAGS.writeOld(), false);
        service.set(FLAGS.compare(), 0.0);
        assertThat(routes.route("k", 2)).contains(Stage.NEW_ONLY.route());
    }

    @Test
    void theStageWinsAndTheSwitchesAreNotEvaluated() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.stage(), Stage.RAMPDOWN);
        service.set(FLAGS.writeOld(), false);
        assertThat(routes.route("k", 0)).contains(Stage.RAMPDOWN.route());
        assertThat(service.evaluated).containsOnlyKeys(FLAGS.stage());
    }

    @Test
    void aStageThatComparesTakesTheStageComparisonAndOneThatDoesNotIgnoresIt() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.stage(), Stage.SHADOW);
        service.set(FLAGS.compare(), 0.1);
        assertThat(routes.route("k", 0))
                .contains(Route.of(ReadSource.OLD, WriteTargets.BOTH, Comparison.sampled(0.1)));
        service.set(FLAGS.stage(), Stage.DUAL_WRITE);
        assertThat(routes.route("k", 1)).contains(Stage.DUAL_WRITE.route());
    }

    @Test
    void aDecisionIsCachedPerKeyUntilTheGenerationMoves() {
        FlagRoutes<String> routes = routes(10);
        for (int i = 0; i < 100; i++) {
            routes.route("a", 7);
            routes.route("b", 7);
            routes.route(null, 7);
        }
        // Three decisions (two keys and the keyless one), five flags each.
        assertThat(service.calls.get()).isEqualTo(3 * 5);
        service.set(FLAGS.readNew(), true);
        service.set(FLAGS.writeNew(), true);
        assertThat(routes.route("a", 7)).contains(Stage.OLD_ONLY.route());
        assertThat(routes.route("a", 8)).contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.OFF));
        assertThat(service.contexts).contains("a", "b", "<no key>");
    }

    @Test
    void beyondTheBoundSomeKeysAreDroppedAndEvaluatedAgain() {
        FlagRoutes<String> routes = routes(10);
        for (int t = 0; t < 10; t++) {
            routes.route("t-" + t, 0);
        }
        int full = service.calls.get();
        for (int t = 0; t < 10; t++) {
            routes.route("t-" + t, 0);
        }
        assertThat(service.calls.get()).isEqualTo(full);
        routes.route("t-10", 0);
        for (int t = 0; t < 10; t++) {
            routes.route("t-" + t, 0);
        }
        // The eleventh key dropped one of the ten, evaluated again (and, put back, it may drop another); the rest
        // were still cached.
        assertThat(service.calls.get()).isGreaterThanOrEqualTo(full + 5 + 5).isLessThan(full + 5 + 10 * 5);
    }

    @Test
    void writingNeitherModelIsRefusedAndTheLastValidRouteStays() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.writeNew(), true);
        assertThat(routes.route("k", 0)).contains(Stage.DUAL_WRITE.route());
        service.set(FLAGS.writeNew(), false);
        service.set(FLAGS.writeOld(), false);
        assertThat(routes.route("k", 1)).contains(Stage.DUAL_WRITE.route());
        assertThat(routes.route("other", 1)).contains(Stage.DUAL_WRITE.route());
        assertThat(counter(FlagRoutes.REFUSED)).isEqualTo(2);
        assertThat(lines("ERROR")).singleElement().asString().contains("accounts")
                .contains(FLAGS.writeOld()).contains(FLAGS.writeNew()).contains("reach neither model");
    }

    @Test
    void readingAModelThatIsNotWrittenIsRefusedNamingTheFlags() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.readNew(), true);
        // Never a valid route before: nothing to keep, so no route.
        assertThat(routes.route("k", 0)).isEmpty();
        assertThat(lines("ERROR")).singleElement().asString()
                .contains(FLAGS.readNew() + "=on").contains(FLAGS.writeOld() + "=on")
                .contains(FLAGS.writeNew() + "=off").contains("would fall behind");
    }

    @Test
    void aValueTheReaderRefusesKeepsTheLastValidRouteAndIsLoggedOncePerProblem() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.stage(), Stage.SHADOW);
        assertThat(routes.route("k", 0)).contains(Stage.SHADOW.route());
        service.set(FLAGS.stage(), "LIVEE");
        for (int generation = 1; generation <= 3; generation++) {
            assertThat(routes.route("k", generation)).contains(Stage.SHADOW.route());
        }
        assertThat(counter(FlagRoutes.REFUSED)).isEqualTo(3);
        assertThat(counter(FlagRoutes.ERRORS)).isZero();
        assertThat(lines("ERROR")).singleElement().asString().contains("'LIVEE'");

        // Valid again, then the same problem again: logged again.
        service.set(FLAGS.stage(), Stage.DUAL_WRITE);
        assertThat(routes.route("k", 4)).contains(Stage.DUAL_WRITE.route());
        service.set(FLAGS.stage(), "LIVEE");
        assertThat(routes.route("k", 5)).contains(Stage.DUAL_WRITE.route());
        assertThat(lines("ERROR")).hasSize(2);
    }

    @Test
    void whenTheServiceFailsKeysKeepTheirRoutesNewKeysTakeTheLastValidAndItIsLoggedOncePerSpell() {
        FlagRoutes<String> routes = routes(10);
        service.set(FLAGS.readNew(), true);
        service.set(FLAGS.writeNew(), true);
        assertThat(routes.route("k", 0)).contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.OFF));
        service.failing = true;
        for (int generation = 1; generation <= 3; generation++) {
            assertThat(routes.route("k", generation)).contains(Route.of(ReadSource.NEW, WriteTargets.BOTH,
                    Comparison.OFF));
        }
        assertThat(routes.route("new", 3)).contains(Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.OFF));
        assertThat(counter(FlagRoutes.ERRORS)).isEqualTo(4);
        assertThat(lines("WARN")).singleElement().asString().contains("evaluating flags failed");

        service.failing = false;
        service.set(FLAGS.readNew(), false);
        assertThat(routes.route("k", 4)).contains(Stage.DUAL_WRITE.route());
        assertThat(lines("INFO")).anySatisfy(line -> assertThat(line).contains("works again"));
    }

    @Test
    void aFailureWithNoRouteToKeepIsTheCallersToHandle() {
        service.failing = true;
        assertThatThrownBy(() -> routes(10).route("k", 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("service down");
    }

    @Test
    void withoutASummaryAChangeOfTheKeylessRouteIsLoggedAndCounted() {
        FlagRoutes<String> routes = routes(10);
        routes.route(null, 0);
        routes.route("k", 0);
        service.set(FLAGS.writeNew(), true);
        routes.route(null, 1);
        routes.route("k", 1);
        routes.route(null, 2);
        assertThat(counter(DualRepoMetrics.ROUTE_CHANGES)).isEqualTo(1);
        assertThat(lines("INFO")).singleElement().asString()
                .isEqualTo("accounts: " + Stage.OLD_ONLY.route() + " -> " + Stage.DUAL_WRITE.route());
    }

    @Test
    void withASummaryChangesAreAnnouncedFromItAndNotFromDecisions() {
        service.summary = "read OLD|write OLD|compare off";
        FlagRoutes<String> routes = routes(10);
        routes.route(null, 0);
        routes.announceChanges();
        assertThat(counter(DualRepoMetrics.ROUTE_CHANGES)).isZero();

        service.set(FLAGS.writeNew(), true);
        service.summary = "read OLD|write BOTH|compare off";
        routes.route(null, 1);
        routes.announceChanges();
        assertThat(counter(DualRepoMetrics.ROUTE_CHANGES)).isEqualTo(1);
        assertThat(lines("INFO")).containsExactly("accounts: write OLD -> BOTH");
    }

    @Test
    void describeNamesWhatChangedOrBothSummariesWhenTheirShapesDiffer() {
        assertThat(FlagRoutes.describe("", "read OLD|write OLD|compare off"))
                .isEqualTo("read OLD, write OLD, compare off");
        assertThat(FlagRoutes.describe("read OLD|write OLD|compare off", "read NEW|write BOTH|compare off"))
                .isEqualTo("read OLD -> NEW, write OLD -> BOTH");
        assertThat(FlagRoutes.describe("read OLD|write BOTH|compare off", "stage LIVE|compare as staged"))
                .isEqualTo("read OLD, write BOTH, compare off -> stage LIVE, compare as staged");
        assertThat(FlagRoutes.describe("read OLD|write BOTH", "stage LIVE|write BOTH"))
                .isEqualTo("read OLD, write BOTH -> stage LIVE, write BOTH");
    }

    @Test
    void stageNamesAreExact() {
        assertThat(FlagReader.stageNamed("LIVE")).isEqualTo(Stage.LIVE);
        assertThat(FlagReader.stageNamed("live")).isNull();
        assertThat(FlagReader.stageNames()).isEqualTo("[OLD_ONLY, DUAL_WRITE, SHADOW, LIVE, RAMPDOWN, NEW_ONLY]");
    }

    /**
     * Flags in a map: booleans for the switches, a share for compare, a Stage or any other string for the stage.
     * The context is the key itself.
     */
    static final class MapFlags implements FlagReader<String> {
        final Map<String, Object> flags = new ConcurrentHashMap<>();
        final Map<String, Integer> evaluated = new ConcurrentHashMap<>();
        final List<String> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean failing;
        volatile String summary;

        void set(String flag, Object value) {
            flags.put(flag, value);
        }

        private Optional<Object> read(String flag) {
            calls.incrementAndGet();
            evaluated.merge(flag, 1, Integer::sum);
            if (failing) {
                throw new IllegalStateException("service down");
            }
            return Optional.ofNullable(flags.get(flag));
        }

        @Override
        public String context(String key) {
            String context = key == null ? "<no key>" : key;
            contexts.add(context);
            return context;
        }

        @Override
        public Stage stage(String flag, String context) {
            Object value = read(flag).orElse(null);
            if (value == null || value instanceof Stage) {
                return (Stage) value;
            }
            throw new Refused("flag " + flag + " is '" + value + "', which names no stage");
        }

        @Override
        public boolean enabled(String flag, String context, boolean whenMissing) {
            return (Boolean) read(flag).orElse(whenMissing);
        }

        @Override
        public Comparison switchComparison(String flag, String context) {
            return Comparison.sampled((Double) read(flag).orElse(0.0));
        }

        @Override
        public Comparison stageComparison(String flag, String context) {
            double share = (Double) read(flag).orElse(0.0);
            return share == 0 ? Comparison.ALWAYS : Comparison.sampled(share);
        }

        @Override
        public String summary() {
            return summary;
        }
    }
}
