package io.dualrepo.benchmarks;

import io.dualrepo.benchmarks.backfill.Incident;
import io.dualrepo.benchmarks.backfill.IncidentTables;
import io.dualrepo.benchmarks.backfill.MappedIncidents;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.RepairResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.hibernate.SessionFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Issue 15's target: the pending-sync repair syncs 100,000 pending keys over a 1,000,000-row table on PostgreSQL at
 * no less than half the backfill's rows/s on the same data. One operation is one key repaired ({@code repair}) or one
 * row copied ({@code backfill}), so the two figures compare as rates.
 *
 * <p>Each trial loads the old table once. Before each iteration of {@code repair} the new table is a copy of the old
 * but for the {@code pending} keys (every {@code rows / pending}-th id), whose title is stale and which wait in the
 * pending-sync table, as a failed secondary leaves them; after it, the new table must match the old column for column
 * and nothing may wait. Before each iteration of {@code backfill} the new table is empty.
 */
@ResultTable(order = 57, rate = "keys/s",
        title = "Pending-sync repair: keys/s against the backfill's rows/s (issue 15)",
        about = "PostgreSQL 15 (127.0.0.1, same machine), the backfill benchmark's tables and `EntityModel`s, both"
                + " models in one database. `repair`: `PendingSyncRepair.builder().migration(migration)"
                + ".batchSize(batchSize).build().repairNow()` over `pending` keys whose new row is stale, each with a"
                + " row in `dualrepo_pending_sync`; figures per key repaired. Reference: `backfill` of the same"
                + " `rows` into an empty new table, batches of 5,000; figures per row copied.")
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class RepairBenchmark {

    static final int ROWS = 1_000_000;
    static final int PENDING = 100_000;

    @State(Scope.Benchmark)
    public static class Database {

        /** Old rows. Operations per invocation are fixed at compile time: other values skew the figures. */
        @Param("1000000")
        int rows;

        /** Pending keys. */
        @Param("100000")
        int pending;

        /** Pending rows per page, and so keys per repair batch: the repair's default. */
        @Param("200")
        int batchSize;

        IncidentTables tables;
        SessionFactory sessionFactory;
        Migration<Long, Incident> migration;
        long done;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            if (rows != ROWS || pending != PENDING) {
                System.err.println("RepairBenchmark: rows=" + rows + ", pending=" + pending + "; the figures assume "
                        + ROWS + " and " + PENDING + ": scale them by " + ((double) ROWS / rows) + " (backfill) and "
                        + ((double) PENDING / pending) + " (repair)");
            }
            tables = IncidentTables.create();
            try {
                tables.load(rows);
                sessionFactory = tables.sessionFactory(true, 5_000);
                PendingSyncTable.defaults().createIfMissing(sessionFactory);
            } catch (RuntimeException e) {
                tables.close();
                throw e;
            }
        }

        @Setup(Level.Iteration)
        public void prepare(BenchmarkParams params) {
            if (params.getBenchmark().endsWith(".repair")) {
                tables.pendingKeys(PendingSyncTable.DEFAULT_NAME, pending, rows);
                expected = pending;
            } else {
                tables.freshNewTable(true);
                expected = rows;
            }
            migration = MappedIncidents.migration(Transactions.of(sessionFactory));
            done = -1;
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (done != expected) {
                throw new IllegalStateException("the iteration reported " + done + ", not " + expected);
            }
            tables.checkCopied(rows);
            long waiting = tables.rows(PendingSyncTable.DEFAULT_NAME);
            if (waiting != 0) {
                throw new IllegalStateException(waiting + " pending-sync rows left after the iteration");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                if (sessionFactory != null) {
                    sessionFactory.close();
                }
            } finally {
                tables.close();
            }
        }
    }

    /** The backfill of every row, as {@code BackfillBenchmark.backfillMapped} runs it: the rate to keep up with. */
    @Benchmark
    @Reference
    @OperationsPerInvocation(ROWS)
    public BackfillResult backfill(Database database) {
        BackfillResult result = Backfill.builder(database.migration).batchSize(5_000)
                .meterRegistry(new SimpleMeterRegistry()).build().run();
        database.done = result.rowsWritten();
        return result;
    }

    /** One repair pass over every pending key. */
    @Benchmark
    @Goal(kind = Goal.Kind.RATE_AT_LEAST, value = 0.5)
    @OperationsPerInvocation(PENDING)
    public RepairResult repair(Database database) {
        RepairResult result = PendingSyncRepair.builder().migration(database.migration)
                .batchSize(database.batchSize).meterRegistry(new SimpleMeterRegistry()).build().repairNow();
        database.done = result.keysSynced();
        return result;
    }
}
