package io.dualrepo.benchmarks;

import io.dualrepo.benchmarks.backfill.Incident;
import io.dualrepo.benchmarks.backfill.IncidentTables;
import io.dualrepo.benchmarks.backfill.LegacyIncidents;
import io.dualrepo.benchmarks.backfill.StatusTableIncidents;
import io.dualrepo.benchmarks.backfill.Writer;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.verify.VerificationProgress;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.ResultSet;
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
 * Issue 13's target: dual-repo's verifier compares 1,000,000 rows on PostgreSQL, with 4 workers, at no less than
 * half the rate of the same comparison done inside the database by one {@code full outer join} query.
 *
 * <p>Each trial creates a schema of its own, loads the old table and copies it to the new one in the database, then
 * changes the title of {@value #DIFFERING} rows of the new table: every method must report exactly those. One
 * operation is one row: the figure is the time per row verified, the rate its inverse.
 */
@ResultTable(order = 55, rate = "rows/s",
        title = "Verifier: rows/s against an in-database full outer join (issue 13)",
        about = "1,000,000 incidents on PostgreSQL 15 (127.0.0.1, same machine), `incidents(id bigint,"
                + " organisation_id, title, status text)` against `incidents_v2(id, organisation_id, title,"
                + " incident_status_id)` whose status is a row of `incident_statuses`; 10 rows differ. Reference:"
                + " one `select count(*) from incidents i full outer join (incidents_v2 join incident_statuses) n"
                + " on n.id = i.id where` a side is missing or a column differs. `verify1Worker` / `verify4Workers`:"
                + " `Verifier.builder(migration).pageSize(pageSize).threads(n).onProgress(...).build().verify()`"
                + " over the benchmark `KeyedModel`s (keyset pages read with plain JDBC), segments leased from"
                + " `dualrepo_verify_lease` as in production. Figures are per OLD row verified; the machine has 2"
                + " cores, which the database and the verifier share.")
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(VerifierBenchmark.ROWS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class VerifierBenchmark {

    static final int ROWS = 1_000_000;
    static final int DIFFERING = 10;

    /** One schema per trial, both tables loaded once: verifying writes nothing to them. */
    @State(Scope.Benchmark)
    public static class Database {

        /** Rows per page query, and so per segment. */
        @Param("5000")
        int pageSize;

        IncidentTables tables;
        SessionFactory sessionFactory;
        Migration<Long, Incident> migration;
        long found;
        volatile @Nullable VerificationProgress progress;

        @Setup(Level.Trial)
        public void setUp() {
            tables = IncidentTables.create();
            try {
                tables.load(ROWS);
                tables.copiedNewTable(DIFFERING, ROWS);
                sessionFactory = tables.sessionFactory(false, pageSize, 12);
            } catch (RuntimeException e) {
                tables.close();
                throw e;
            }
            Transactions transactions = Transactions.of(sessionFactory);
            migration = Migration.of("incidents", KeyType.LONG, new LegacyIncidents(transactions),
                    new StatusTableIncidents(transactions, Writer.UNNEST, pageSize));
        }

        @Setup(Level.Iteration)
        public void reset() {
            found = -1;
        }

        @TearDown(Level.Iteration)
        public void checkFound() {
            if (found != DIFFERING) {
                throw new IllegalStateException("the iteration found " + found + " discrepancies, not " + DIFFERING);
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

    /** The ceiling: the comparison as one query, on a connection of the same pool. */
    @Benchmark
    @Reference
    public long fullOuterJoin(Database database) {
        database.found = Transactions.of(database.sessionFactory).read(session -> session.doReturningWork(
                connection -> {
                    try (Statement statement = connection.createStatement();
                            ResultSet result = statement.executeQuery(IncidentTables.FULL_OUTER_JOIN)) {
                        result.next();
                        return result.getLong(1);
                    }
                }));
        return database.found;
    }

    @Benchmark
    public VerificationResult<Long> verify1Worker(Database database) {
        return verify(database, 1);
    }

    @Benchmark
    @Goal(kind = Goal.Kind.RATE_AT_LEAST, value = 0.5)
    public VerificationResult<Long> verify4Workers(Database database) {
        return verify(database, 4);
    }

    private static VerificationResult<Long> verify(Database database, int threads) {
        // As in production: meters in a registry, a listener (a progress bar's) called after each segment.
        VerificationResult<Long> result = Verifier.builder(database.migration)
                .pageSize(database.pageSize)
                .threads(threads)
                .meterRegistry(new SimpleMeterRegistry())
                .onProgress(progress -> database.progress = progress)
                .build()
                .verify();
        if (!result.isComplete() || result.oldRowsScanned() != ROWS) {
            throw new IllegalStateException("the verifier scanned " + result.oldRowsScanned() + " rows: " + result);
        }
        database.found = result.discrepancies();
        return result;
    }
}
