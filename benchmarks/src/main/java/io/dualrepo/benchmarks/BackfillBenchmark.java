package io.dualrepo.benchmarks;

import io.dualrepo.benchmarks.backfill.Incident;
import io.dualrepo.benchmarks.backfill.IncidentTables;
import io.dualrepo.benchmarks.backfill.LegacyIncidents;
import io.dualrepo.benchmarks.backfill.MappedIncidents;
import io.dualrepo.benchmarks.backfill.StatusTableIncidents;
import io.dualrepo.benchmarks.backfill.Writer;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;
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

/**
 * Issue 4's target: dual-repo's backfill copies 1,000,000 rows on PostgreSQL at no less than half the rate of the
 * same copy done inside the database by one {@code INSERT INTO incidents_v2 SELECT ... FROM incidents}.
 *
 * <p>Each trial creates a schema of its own and loads the old table once ({@code generate_series}); every iteration
 * starts from an empty new table and a database checkpoint, and ends by checking that the new table holds every
 * old row, column for column. One operation is one row: the figure is the time per row copied, the rate its
 * inverse.
 */
@ResultTable(order = 50, rate = "rows/s",
        title = "Backfill: rows/s against an in-database INSERT … SELECT (issue 4)",
        about = "1,000,000 incidents copied on PostgreSQL 15 (127.0.0.1, same machine) from `incidents(id bigint,"
                + " organisation_id, title, status text)` to `incidents_v2(id, organisation_id, title,"
                + " incident_status_id)`, whose status is a foreign key to the organisation's row of"
                + " `incident_statuses` (1,000 organisations × 4 statuses). Each single-shot iteration starts from an"
                + " empty new table and a database `checkpoint`; the copy is checked column for column after it."
                + " Reference: `insert into incidents_v2 select ... from incidents join incident_statuses ...`, one"
                + " statement, one transaction. `backfill`: `Backfill.builder(migration).batchSize(batchSize)"
                + ".meterRegistry(...).onProgress(...).build().run()`, one worker, over benchmark `KeyedModel`s (a"
                + " keyset page, one presence query and one insert per batch, statuses cached), the new model"
                + " inserting with `insert ... select * from unnest(?, ?, ?, ?)` (`writer=unnest`);"
                + " `backfillStatelessSession`: the same, inserting with Hibernate's"
                + " `StatelessSession.insertMultiple` (JDBC batches of `batchSize`, `reWriteBatchedInserts=true`;"
                + " it ignores `writer`). `backfillMapped`: the same backfill over models built from the entities'"
                + " mappings (`EntityModel.of(...).readOnly(...)` and `.mappedWithSession(...)`, statuses cached"
                + " per organisation): a keyset page, a range presence query and one `insert ... select * from"
                + " unnest(...)` per batch (it ignores `writer`). Figures are per row copied.")
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(BackfillBenchmark.ROWS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class BackfillBenchmark {

    static final int ROWS = 1_000_000;

    /** One schema per trial: the old table loaded once, the new one emptied before each iteration. */
    @State(Scope.Benchmark)
    public static class Database {

        /** Old rows per batch (one batch per transaction). */
        @Param("5000")
        int batchSize;

        /** How {@code backfill}'s new model inserts a batch: a {@link Writer}'s {@link Writer#parameter()}. */
        @Param("unnest")
        String writer;

        /** pgjdbc's {@code reWriteBatchedInserts} on the URL: multi-row inserts from a JDBC batch. */
        @Param("true")
        boolean reWriteBatchedInserts;

        /**
         * Whether {@code incidents_v2.incident_status_id} references {@code incident_statuses}, as a
         * {@code @ManyToOne} maps it. The check costs PostgreSQL the same per row in both methods.
         */
        @Param("true")
        boolean foreignKey;

        IncidentTables tables;
        SessionFactory sessionFactory;
        Transactions transactions;
        Migration<Long, Incident> migration;
        Migration<Long, Incident> statelessMigration;
        Migration<Long, Incident> mappedMigration;
        long copied;
        volatile @Nullable BackfillProgress progress;

        @Setup(Level.Trial)
        public void setUp() {
            tables = IncidentTables.create();
            try {
                tables.load(ROWS);
                sessionFactory = tables.sessionFactory(reWriteBatchedInserts, batchSize);
            } catch (RuntimeException e) {
                tables.close();
                throw e;
            }
            transactions = Transactions.of(sessionFactory);
        }

        private Migration<Long, Incident> migration(Writer newModelWriter) {
            return Migration.of("incidents", KeyType.LONG, new LegacyIncidents(transactions),
                    new StatusTableIncidents(transactions, newModelWriter, batchSize));
        }

        /** An empty new table, and models with nothing cached: every iteration is a backfill from scratch. */
        @Setup(Level.Iteration)
        public void emptyNewTable() {
            tables.freshNewTable(foreignKey);
            migration = migration(Writer.named(writer));
            statelessMigration = migration(Writer.STATELESS);
            mappedMigration = MappedIncidents.migration(transactions);
            copied = -1;
        }

        @TearDown(Level.Iteration)
        public void checkCopy() {
            if (copied != ROWS) {
                throw new IllegalStateException("the iteration reported " + copied + " rows written, not " + ROWS);
            }
            tables.checkCopied(ROWS);
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

    /** The ceiling: the copy as one statement, in one transaction, on a connection of the same pool. */
    @Benchmark
    @Reference
    public long insertSelect(Database database) {
        database.copied = database.transactions.inTransaction(session -> session.doReturningWork(connection -> {
            try (Statement statement = connection.createStatement()) {
                return (long) statement.executeUpdate(IncidentTables.INSERT_SELECT);
            }
        }));
        return database.copied;
    }

    /** The backfill, its new model writing with the {@code writer} parameter's {@link Writer}. */
    @Benchmark
    @Goal(kind = Goal.Kind.RATE_AT_LEAST, value = 0.5)
    public BackfillResult backfill(Database database) {
        return run(database, database.migration);
    }

    /** The same, its new model writing through Hibernate's {@code StatelessSession} ({@link Writer#STATELESS}). */
    @Benchmark
    @Goal(kind = Goal.Kind.RATE_AT_LEAST, value = 0.5)
    public BackfillResult backfillStatelessSession(Database database) {
        return run(database, database.statelessMigration);
    }

    /** The same, over models built from the entities' mappings ({@code EntityModel}): the conversions only. */
    @Benchmark
    @Goal(kind = Goal.Kind.RATE_AT_LEAST, value = 0.5)
    public BackfillResult backfillMapped(Database database) {
        return run(database, database.mappedMigration);
    }

    private static BackfillResult run(Database database, Migration<Long, Incident> migration) {
        // As in production: progress gauges in a registry, a listener (a progress bar's) called after each batch.
        BackfillResult result = Backfill.builder(migration)
                .batchSize(database.batchSize)
                .meterRegistry(new SimpleMeterRegistry())
                .onProgress(progress -> database.progress = progress)
                .build()
                .run();
        database.copied = result.rowsWritten();
        return result;
    }
}
