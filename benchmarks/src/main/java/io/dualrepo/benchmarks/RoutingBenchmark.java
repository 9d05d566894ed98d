package io.dualrepo.benchmarks;

import io.dualrepo.DualRepo;
import io.dualrepo.benchmarks.inmemory.Account;
import io.dualrepo.benchmarks.inmemory.AccountRepository;
import io.dualrepo.benchmarks.inmemory.DualAccountRepository;
import io.dualrepo.benchmarks.inmemory.InMemoryAccounts;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 6's first target: what the generated decorator costs a caller per read in each stage over calling the
 * model directly: at most 50 ns where it only routes (OLD_ONLY, NEW_ONLY), at most 1 µs in SHADOW, where it also
 * hands the other model's read to the comparison threads.
 *
 * <p>In a closed loop the caller reads millions of times a second, far faster than two comparison threads can read
 * the other model and compare: the bulkhead fills and skips most comparisons (counted as {@code bulkhead_full}),
 * so {@code shadow} measures a mix of handed-off and skipped calls. {@link ShadowPacedBenchmark} measures SHADOW at
 * a rate the threads keep up with, every read compared.
 */
@ResultTable(order = 10, title = "Routing overhead: the generated decorator against a direct call (issue 6)",
        about = "One `findById` on an in-memory repository (an array of 1,024 accounts; a read costs a few ns and"
                + " allocates nothing), keys cycled in order. Reference: the old model called directly. The others:"
                + " the same call through the generated `DualAccountRepository` with the route of a stage from an"
                + " `InMemoryRouteSource`, metrics on (a `SimpleMeterRegistry`; `oldOnlyMetricsOff`: Micrometer's no-op"
                + " meters, no target), default settings (`ASYNC`"
                + " comparisons on 2 threads, queue 256) but the migration record's rules off"
                + " (`enforceTransitions(false)`), since the stages are set directly, not walked to."
                + " `newOnlyRefused`: `NEW_ONLY` offered with the rules on, straight from `OLD_ONLY`: judged once"
                + " and refused, then the refusal served while the record's state keeps its version (one lookup a"
                + " call); no target. One caller thread, closed loop: in `shadow` the comparison"
                + " threads cannot keep up, and most comparisons are skipped by the bulkhead (the share compared is"
                + " under *Findings*). B/op is JMH's `gc.alloc.rate.norm`.")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class RoutingBenchmark {

    static final int ACCOUNTS = 1024;

    /** Both models and one decorator per stage, each over a runtime of its own. */
    @State(Scope.Benchmark)
    public static class Repositories {

        InMemoryAccounts oldModel;
        InMemoryAccounts newModel;
        Stack oldOnly;
        Stack oldOnlyMetricsOff;
        Stack newOnly;
        Stack newOnlyRefused;
        Stack shadow;

        @Setup(Level.Trial)
        public void setUp() {
            oldModel = new InMemoryAccounts(ACCOUNTS, Duration.ZERO);
            newModel = new InMemoryAccounts(ACCOUNTS, Duration.ZERO);
            oldOnly = new Stack(oldModel, newModel, Stage.OLD_ONLY.route());
            // A composite registry with no registries in it hands out no-op meters.
            oldOnlyMetricsOff = new Stack(oldModel, newModel, Stage.OLD_ONLY.route(), new CompositeMeterRegistry());
            newOnly = new Stack(oldModel, newModel, Stage.NEW_ONLY.route());
            newOnlyRefused = new Stack(oldModel, newModel, Stage.NEW_ONLY.route(), new SimpleMeterRegistry(), true);
            shadow = new Stack(oldModel, newModel, Stage.SHADOW.route());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (Stack stack : new Stack[] {oldOnly, oldOnlyMetricsOff, newOnly, newOnlyRefused, shadow}) {
                stack.close();
            }
        }
    }

    /** A decorator in one route, with its runtime and registry: what an application builds once. */
    static final class Stack implements AutoCloseable {

        final MeterRegistry registry;
        final DualRepo dualRepo;
        final AccountRepository decorator;
        final Route route;
        /** The counts {@link #close()} reports from; a benchmark resets it after warming the decorator up itself. */
        Map<String, Double> countsBefore = Map.of();

        Stack(AccountRepository oldModel, AccountRepository newModel, Route route) {
            this(oldModel, newModel, route, new SimpleMeterRegistry());
        }

        Stack(AccountRepository oldModel, AccountRepository newModel, Route route, MeterRegistry registry) {
            this(oldModel, newModel, route, registry, false);
        }

        /** @param enforceTransitions the migration record's rules: off to measure a route, on for a refused one */
        Stack(AccountRepository oldModel, AccountRepository newModel, Route route, MeterRegistry registry,
                boolean enforceTransitions) {
            this.route = route;
            this.registry = registry;
            dualRepo = DualRepo.builder()
                    .routeSource(InMemoryRouteSource.create().set("accounts", route))
                    .enforceTransitions(enforceTransitions)
                    .meterRegistry(registry)
                    .build();
            decorator = new DualAccountRepository(oldModel, newModel, dualRepo);
            Optional<Account> found = decorator.findById(1);
            if (found.isEmpty() || found.get().id() != 1) {
                throw new IllegalStateException(route + ": the decorator did not find account 1: " + found);
            }
            Route inForce = dualRepo.currentRoute("accounts");
            if (inForce.equals(route) == enforceTransitions) {
                throw new IllegalStateException(route + " with the rules " + (enforceTransitions ? "on" : "off")
                        + ": the route in force is " + inForce);
            }
        }

        @Override
        public void close() {
            // Only the trial that called this decorator: every fork sets up all of them.
            if (route.compare().isOn() && ComparisonCounts.total(registry, countsBefore) > 0) {
                System.out.println(route + ": " + ComparisonCounts.describe(registry, countsBefore));
            }
            dualRepo.close();
        }
    }

    /** Each thread's next key. */
    @State(Scope.Thread)
    public static class Keys {
        private long next;

        long next() {
            long id = next;
            next = id + 1 == ACCOUNTS ? 0 : id + 1;
            return id;
        }
    }

    @Benchmark
    @Reference
    public Optional<Account> direct(Repositories repositories, Keys keys) {
        return repositories.oldModel.findById(keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.OVERHEAD_AT_MOST, value = 50)
    public Optional<Account> oldOnly(Repositories repositories, Keys keys) {
        return repositories.oldOnly.decorator.findById(keys.next());
    }

    /** What routing costs without metrics: the rest of {@code oldOnly} is what Micrometer's timer costs. */
    @Benchmark
    public Optional<Account> oldOnlyMetricsOff(Repositories repositories, Keys keys) {
        return repositories.oldOnlyMetricsOff.decorator.findById(keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.OVERHEAD_AT_MOST, value = 50)
    public Optional<Account> newOnly(Repositories repositories, Keys keys) {
        return repositories.newOnly.decorator.findById(keys.next());
    }

    /** A flag offering a route the rules refuse: what each call costs while it stays offered. */
    @Benchmark
    public Optional<Account> newOnlyRefused(Repositories repositories, Keys keys) {
        return repositories.newOnlyRefused.decorator.findById(keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.OVERHEAD_AT_MOST, value = 1000)
    public Optional<Account> shadow(Repositories repositories, Keys keys) {
        return repositories.shadow.decorator.findById(keys.next());
    }
}
