package io.dualrepo.benchmarks;

import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.MigrationStage;
import com.launchdarkly.sdk.server.integrations.TestData;
import com.launchdarkly.sdk.server.migrations.Migration;
import com.launchdarkly.sdk.server.migrations.MigrationBuilder;
import com.launchdarkly.sdk.server.migrations.MigrationExecution;
import com.launchdarkly.sdk.server.migrations.MigrationMethodResult;
import io.dualrepo.benchmarks.inmemory.Account;
import io.dualrepo.benchmarks.inmemory.InMemoryAccounts;
import io.dualrepo.routing.Stage;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
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
 * Issue 6's second target: the caller's latency of a read in the shadow stage, through LaunchDarkly's migration
 * support and through dual-repo's generated decorator, over the same two models, the new one taking 0 or 1 ms per
 * read. Ours must be lower in both cases and at least ten times lower at 1 ms.
 *
 * <p>LaunchDarkly's {@code Migration} runs both reads of its shadow stage on its own pool and returns when both
 * are done ({@code MigrationExecution.Parallel()}, its default), then checks consistency on the caller's thread;
 * dual-repo answers from the old model on the caller's thread and hands the new model's read and the comparison to
 * its comparison threads.
 */
@ResultTable(order = 20, title = "Peer comparison: shadow reads against LaunchDarkly's Migration (issue 6)",
        about = "One `findById` in the shadow stage over the in-memory models of the routing benchmark, the new model"
                + " sleeping `secondaryMillis` per read (`Thread.sleep`). Reference: LaunchDarkly's Java server SDK"
                + " 7.13.0, `new MigrationBuilder<>(client).read(old, new, Objects::equals)"
                + ".readExecution(MigrationExecution.Parallel())`, `migration.read(flag, context, OFF, id)` on an"
                + " `LDClient` fed offline by `TestData` (the flag's value `\"shadow\"` for everyone), events off"
                + " (`Components.noEvents()`), latency and error tracking on (its defaults), one prebuilt context."
                + " `dualRepo`: the generated `DualAccountRepository` in `SHADOW`, default settings (`ASYNC`, 2"
                + " comparison threads, queue 256, structural comparison), metrics in a `SimpleMeterRegistry`. One"
                + " caller thread, closed loop, JMH sample mode: the figure is the mean caller latency.")
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class PeerBenchmark {

    static final String FLAG = "accounts-migration";

    /** Both libraries over the same two models. */
    @State(Scope.Benchmark)
    public static class Peers {

        /** How long the new model takes per read. */
        @Param({"0", "1"})
        int secondaryMillis;

        InMemoryAccounts oldModel;
        InMemoryAccounts newModel;
        LDClient client;
        LDContext context;
        Migration<Optional<Account>, Void, Long, Account> migration;
        RoutingBenchmark.Stack dualRepo;

        @Setup(Level.Trial)
        public void setUp() {
            oldModel = new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ZERO);
            newModel = new InMemoryAccounts(RoutingBenchmark.ACCOUNTS, Duration.ofMillis(secondaryMillis));

            TestData flags = TestData.dataSource();
            flags.update(flags.flag(FLAG).valueForAll(LDValue.of(MigrationStage.SHADOW.toString())));
            client = new LDClient("sdk-key-offline", new LDConfig.Builder()
                    .dataSource(flags)
                    .events(Components.noEvents())
                    .diagnosticOptOut(true)
                    .build());
            context = LDContext.create("benchmark-caller");
            MigrationStage stage = client.migrationVariation(FLAG, context, MigrationStage.OFF).getStage();
            if (stage != MigrationStage.SHADOW) {
                throw new IllegalStateException("LaunchDarkly evaluated the migration flag to " + stage);
            }
            migration = new MigrationBuilder<Optional<Account>, Void, Long, Account>(client)
                    .read(id -> MigrationMethodResult.Success(oldModel.findById(id)),
                            id -> MigrationMethodResult.Success(newModel.findById(id)),
                            Objects::equals)
                    .write(account -> {
                        oldModel.save(account);
                        return MigrationMethodResult.Success(null);
                    }, account -> {
                        newModel.save(account);
                        return MigrationMethodResult.Success(null);
                    })
                    .readExecution(MigrationExecution.Parallel())
                    .build()
                    .orElseThrow(() -> new IllegalStateException("the migration builder lacks a method"));
            Optional<Account> read = migration.read(FLAG, context, MigrationStage.OFF, 1L).getResult()
                    .orElseThrow(() -> new IllegalStateException("LaunchDarkly's read failed"));
            if (read.isEmpty() || read.get().id() != 1) {
                throw new IllegalStateException("LaunchDarkly's read did not find account 1: " + read);
            }

            dualRepo = new RoutingBenchmark.Stack(oldModel, newModel, Stage.SHADOW.route());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            dualRepo.close();
            client.close();
        }
    }

    @Benchmark
    @Reference
    public Migration.MigrationResult<Optional<Account>> launchDarkly(Peers peers, RoutingBenchmark.Keys keys) {
        return peers.migration.read(FLAG, peers.context, MigrationStage.OFF, keys.next());
    }

    @Benchmark
    @Goal(kind = Goal.Kind.CHEAPER_BY, value = 1)
    @Goal(kind = Goal.Kind.CHEAPER_BY, value = 10, when = "secondaryMillis=1")
    public Optional<Account> dualRepo(Peers peers, RoutingBenchmark.Keys keys) {
        return peers.dualRepo.decorator.findById(keys.next());
    }
}
