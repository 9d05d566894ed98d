package io.dualrepo.benchmarks;

import io.dualrepo.DualRepo;
import io.dualrepo.flags.FlagNames;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.internal.RepositoryRuntimes;
import io.dualrepo.internal.RouteGuard;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.WriteTargets;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 3's target: resolving the route of a repository call with a routing key must cost at least 50 times less
 * than the three {@code isEnabled} calls that an uncached integration would make per repository call.
 *
 * <p>Both sides evaluate the same flags, loaded offline from the same bootstrap payload into a real
 * {@link DefaultUnleash} (the SDK's native Yggdrasil engine), and cycle over the same 10,000 routing keys (the
 * {@code keyCount} parameter). The {@code read-new} flag is a 50% gradual rollout, so keys really split between two
 * routes; the set-up checks that they do, and that the route source sends every key where the SDK does.
 */
@ResultTable(order = 40, title = "Flags: route resolution versus raw Unleash evaluation (issue 3)",
        about = "Per repository call, over `keyCount` distinct routing keys cycled in order; `read-new` is a "
                + "50 % rollout, `write-old` and `write-new` on, `compare` a 10 % rollout. Reference: three "
                + "`Unleash.isEnabled(flag, context)` calls on a `DefaultUnleash` bootstrapped offline, with a new "
                + "`UnleashContext` (userId = the key) per call. `routeSource`: "
                + "`UnleashRouteSource.route(\"incidents\", key)` on a source built by "
                + "`UnleashRouteSource.offline(file)` from the same payload (default "
                + "settings: 10,000 cached keys; decisions change only when the flags do). `routeGuard`: the same "
                + "through the route guard of \"incidents\" "
                + "(`RepositoryRuntimes.of(dualRepo).routes(\"incidents\").current(key)`, internal), "
                + "which is what a generated decorator calls. One thread.")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 3)
public class FlagsBenchmark {

    static final String REPOSITORY = "incidents";

    private static final FlagNames FLAGS = FlagNames.of(REPOSITORY);

    /** What every thread shares, as in a service: one SDK instance, one route source, one runtime. */
    @State(Scope.Benchmark)
    public static class Flags {

        /** Distinct routing keys, cycled in order. Beyond the source's 10,000 cached keys, see docs/benchmarks.md. */
        @Param("10000")
        int keyCount;

        String[] keys;
        Path bootstrapFile;
        Unleash unleash;
        UnleashRouteSource source;
        DualRepo dualRepo;
        RouteGuard guard;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            keys = new String[keyCount];
            for (int i = 0; i < keyCount; i++) {
                keys[i] = "org-" + i;
            }
            String payload = bootstrapPayload();
            bootstrapFile = Files.createTempFile("dualrepo-flags-benchmark", ".json");
            Files.writeString(bootstrapFile, payload, StandardCharsets.UTF_8);

            unleash = new DefaultUnleash(UnleashConfig.builder()
                    .appName("dual-repo-benchmark")
                    .unleashAPI("http://localhost:4242/api/")
                    .disablePolling()
                    .disableMetrics()
                    .toggleBootstrapProvider(() -> Optional.of(payload))
                    .build());
            source = UnleashRouteSource.offline(bootstrapFile,
                    UnleashRouteSource.builder().meterRegistry(new SimpleMeterRegistry()));
            // The migration record's rules off: the flags roll reads from NEW out to half the keys of a repository
            // never backfilled, which the rules rightly refuse; this measures resolving a route, not the rules.
            dualRepo = DualRepo.builder().routeSource(source).enforceTransitions(false)
                    .meterRegistry(new SimpleMeterRegistry()).build();
            guard = RepositoryRuntimes.of(dualRepo).routes(REPOSITORY);
            checkBothSidesDecideAlike();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            dualRepo.close();
            source.close();
            unleash.shutdown();
            Files.deleteIfExists(bootstrapFile);
        }

        /** Fails the trial unless the keys split about evenly and the source routes each key as the SDK decides. */
        private void checkBothSidesDecideAlike() {
            int readingNew = 0;
            for (String key : keys) {
                UnleashContext context = UnleashContext.builder().userId(key).build();
                boolean readNew = unleash.isEnabled(FLAGS.readNew(), context);
                if (!unleash.isEnabled(FLAGS.writeOld(), context) || !unleash.isEnabled(FLAGS.writeNew(), context)) {
                    throw new IllegalStateException("the bootstrap did not load: write flags are off for " + key);
                }
                Route route = source.route(REPOSITORY, key)
                        .orElseThrow(() -> new IllegalStateException("the route source gave no route for " + key));
                Route guarded = guard.current(key);
                ReadSource expected = readNew ? ReadSource.NEW : ReadSource.OLD;
                if (route.read() != expected || route.write() != WriteTargets.BOTH || !route.equals(guarded)) {
                    throw new IllegalStateException("key " + key + ": the SDK says read " + expected
                            + ", the route source says " + route + ", the guard " + guarded);
                }
                readingNew += readNew ? 1 : 0;
            }
            if (readingNew < keys.length * 4 / 10 || readingNew > keys.length * 6 / 10) {
                throw new IllegalStateException(readingNew + " of " + keys.length
                        + " keys read from NEW; a 50% rollout should split them about evenly");
            }
        }
    }

    /** Each thread's position in the keys; threads start apart so that they do not ask for the same key. */
    @State(Scope.Thread)
    public static class Cursor {

        private static final AtomicInteger THREADS = new AtomicInteger();

        private final int thread = THREADS.getAndIncrement();
        private int next;

        @Setup(Level.Trial)
        public void setUp(Flags flags) {
            next = thread * 7_919 % flags.keys.length;
        }

        String next(String[] keys) {
            int i = next;
            next = i + 1 == keys.length ? 0 : i + 1;
            return keys[i];
        }
    }

    /** Three flags evaluated by the SDK for one call, as an integration without a cache would. */
    @Benchmark
    @Reference
    public int unleashThreeFlags(Flags flags, Cursor cursor) {
        UnleashContext context = UnleashContext.builder().userId(cursor.next(flags.keys)).build();
        int decision = flags.unleash.isEnabled(FLAGS.readNew(), context) ? 1 : 0;
        decision |= flags.unleash.isEnabled(FLAGS.writeOld(), context) ? 2 : 0;
        decision |= flags.unleash.isEnabled(FLAGS.writeNew(), context) ? 4 : 0;
        return decision;
    }

    @Benchmark
    @Goal(kind = Goal.Kind.CHEAPER_BY, value = 50)
    public Optional<Route> routeSource(Flags flags, Cursor cursor) {
        return flags.source.route(REPOSITORY, cursor.next(flags.keys));
    }

    @Benchmark
    @Goal(kind = Goal.Kind.CHEAPER_BY, value = 50)
    public Route routeGuard(Flags flags, Cursor cursor) {
        return flags.guard.current(cursor.next(flags.keys));
    }

    static String bootstrapPayload() {
        return """
                {
                  "version": 2,
                  "features": [
                    %s,
                    %s,
                    %s,
                    %s
                  ]
                }
                """.formatted(
                rollout(FLAGS.readNew(), 50),
                on(FLAGS.writeOld()),
                on(FLAGS.writeNew()),
                rollout(FLAGS.compare(), 10));
    }

    private static String on(String name) {
        return """
                {"name": "%s", "type": "release", "enabled": true, "stale": false, "impressionData": false,
                 "strategies": [{"name": "default", "parameters": {}, "constraints": []}], "variants": []}"""
                .formatted(name);
    }

    private static String rollout(String name, int percent) {
        return """
                {"name": "%1$s", "type": "release", "enabled": true, "stale": false, "impressionData": false,
                 "strategies": [{"name": "flexibleRollout", "constraints": [],
                   "parameters": {"rollout": "%2$d", "stickiness": "default", "groupId": "%1$s"}}],
                 "variants": []}"""
                .formatted(name, percent);
    }
}
