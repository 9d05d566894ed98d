package io.dualrepo.benchmarks;

import io.dualrepo.benchmarks.inmemory.Account;
import io.dualrepo.benchmarks.inmemory.InMemoryAccounts;
import io.dualrepo.routing.Stage;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * SHADOW at a rate the comparison threads keep up with: the caller sleeps {@code pauseMicros} before each read,
 * outside the measured time, so that every read is compared and every hand-off finds a comparison thread idle (and
 * wakes it). The difference from a direct read is what a compared read costs the caller: the target is at most
 * 1 µs, as in {@link RoutingBenchmark}.
 */
@ResultTable(order = 11, title = "Routing overhead in SHADOW, every read compared (issue 6)",
        about = "As the routing table, but the caller sleeps `pauseMicros` before each read, outside the measured"
                + " time (a `Level.Invocation` fixture), so that the 2 comparison threads keep up, every read is"
                + " compared (the share is under *Findings*) and every hand-off wakes an idle comparison thread."
                + " Reference: a direct read. `shadow`: a read through the decorator in `SHADOW`. JMH sample mode:"
                + " each read is timed on its own, so every figure includes one clock read (about 25 ns here).")
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class ShadowPacedBenchmark {

    /** Both models and a decorator in SHADOW. */
    @State(Scope.Benchmark)
    public static class Repositories {

        InMemoryAccounts oldModel;
        RoutingBenchmark.Stack shadow;

        @Setup(Level.Trial)
        public void setUp() {
            oldModel = new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ZERO);
            shadow = new RoutingBenchmark.Stack(oldModel,
                    new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ZERO), Stage.SHADOW.route());
            // A paced caller makes a few thousand calls a second, too few for the JIT to compile the decorator's
            // path during warm-up: compile it first at full speed, then let the comparison threads drain.
            for (int i = 0; i < 200_000; i++) {
                oldModel.findById(i % RoutingBenchmark.ACCOUNTS);
                shadow.decorator.findById(i % RoutingBenchmark.ACCOUNTS);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shadow.countsBefore = ComparisonCounts.snapshot(shadow.registry);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            shadow.close();
        }

    }

    /** The caller's pause before each read, and its next key. */
    @State(Scope.Thread)
    public static class Caller extends RoutingBenchmark.Keys {

        /** The caller's idle time before each read, in microseconds. */
        @Param("50")
        int pauseMicros;

        @Setup(Level.Invocation)
        public void pause() {
            // parkNanos, as Thread.sleep rounds anything under a millisecond up to one.
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
        }
    }

    @Benchmark
    @Reference
    public Optional<Account> direct(Repositories repositories, Caller keys) {
        return repositories.oldModel.findById(keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.OVERHEAD_AT_MOST, value = 1000)
    public Optional<Account> shadow(Repositories repositories, Caller keys) {
        return repositories.shadow.decorator.findById(keys.next());
    }
}
