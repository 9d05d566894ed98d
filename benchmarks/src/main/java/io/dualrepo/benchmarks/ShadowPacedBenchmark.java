package io.dualrepo.benchmarks;

import io.dualrepo.benchmarks.inmemory.Account;
import io.dualrepo.benchmarks.inmemory.InMemoryAccounts;
import io.dualrepo.routing.Stage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * SHADOW at a rate the comparison threads keep up with: each operation is {@code requestMicros} of the caller's own
 * work (a spin on the clock, standing in for the rest of a request) and then one read. Every read is compared, so
 * the difference from the same work and a direct read is what handing a comparison off costs the caller: the
 * target is at most 1 µs, as in {@link RoutingBenchmark}.
 */
@ResultTable(order = 11, title = "Routing overhead in SHADOW, every read compared (issue 6)",
        about = "As the routing table, but each operation first spins `requestMicros` on the clock (the rest of a"
                + " request) and then reads, so that the 2 comparison threads keep up and every read is compared (the"
                + " share is under *Findings*). Reference: the same spin and a direct read. `shadow`: the same spin"
                + " and a read through the decorator in `SHADOW`. The difference is what a compared read costs the"
                + " caller, its hand-off to an idle comparison thread included.")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 3)
public class ShadowPacedBenchmark {

    /** Both models and a decorator in SHADOW. */
    @State(Scope.Benchmark)
    public static class Repositories {

        /** The caller's own work per read, in microseconds. */
        @Param("20")
        int requestMicros;

        InMemoryAccounts oldModel;
        RoutingBenchmark.Stack shadow;
        long requestNanos;

        @Setup(Level.Trial)
        public void setUp() {
            oldModel = new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ZERO);
            shadow = new RoutingBenchmark.Stack(oldModel,
                    new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ZERO), Stage.SHADOW.route());
            requestNanos = TimeUnit.MICROSECONDS.toNanos(requestMicros);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            shadow.close();
        }

        void request() {
            long end = System.nanoTime() + requestNanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }

    @Benchmark
    @Reference
    public Optional<Account> direct(Repositories repositories, RoutingBenchmark.Keys keys) {
        repositories.request();
        return repositories.oldModel.findById(keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.OVERHEAD_AT_MOST, value = 1000)
    public Optional<Account> shadow(Repositories repositories, RoutingBenchmark.Keys keys) {
        repositories.request();
        return repositories.shadow.decorator.findById(keys.next());
    }
}
