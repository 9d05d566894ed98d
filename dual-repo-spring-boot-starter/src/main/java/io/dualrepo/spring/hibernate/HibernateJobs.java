package io.dualrepo.spring.hibernate;

import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.jobs.Job;
import io.dualrepo.spring.jobs.MigrationJobs.Progress;
import io.dualrepo.spring.jobs.MigrationJobs.Result;
import io.dualrepo.spring.jobs.MigrationJobs.Runner;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One migration's backfill and verifier, each built once, at start-up, so that a setting they refuse stops the
 * start-up with its property named, and so that the backfill's gauges, registered once per job, follow every run.
 * {@link io.dualrepo.spring.jobs.MigrationJobs} runs one job of a migration at a time, so neither runs twice at once.
 */
final class HibernateJobs<K extends Comparable<? super K>, V> implements Runner {

    private final Backfill<K, V> backfill;
    private final Verifier<K, V> verifier;
    /** Where the run in progress reports its rows; the jobs' listeners are fixed when they are built. */
    private volatile Progress progress = (done, total) -> { };

    private HibernateJobs(Migration<K, V> migration, MigrationRecord record, DualRepoProperties properties,
            @Nullable MeterRegistry meterRegistry) {
        boolean createTables = properties.getSchema().isCreateTables();
        // From the first key each time: only a run that reads every old row itself counts as the backfill in the
        // record, and after a complete run it writes nothing again.
        Backfill.Builder<K, V> backfill = Backfill.builder(migration).restart().migrationRecord(record)
                .createTables(createTables).onProgress(update -> progress.rows(update.done(), update.total()));
        Verifier.Builder<K, V> verifier = Verifier.builder(migration).migrationRecord(record)
                .createTables(createTables)
                .sensitiveFields(properties.getSensitiveFields().toArray(String[]::new))
                .onProgress(update -> progress.rows(update.done(), update.total()));
        if (meterRegistry != null) {
            backfill.meterRegistry(meterRegistry);
            verifier.meterRegistry(meterRegistry);
        }
        Settings.apply("dualrepo.verify.rechecks", () -> verifier.recheck(properties.getVerify().getRechecks(),
                properties.getVerify().getRecheckWindow()));
        this.backfill = backfill.build();
        this.verifier = buildVerifier(verifier);
    }

    static <K extends Comparable<? super K>, V> HibernateJobs<K, V> of(Migration<K, V> migration,
            MigrationRecord record, DualRepoProperties properties, @Nullable MeterRegistry meterRegistry) {
        return new HibernateJobs<>(migration, record, properties, meterRegistry);
    }

    /** The build refuses only a re-check window too long for the verifier's lease. */
    private static <K extends Comparable<? super K>, V> Verifier<K, V> buildVerifier(Verifier.Builder<K, V> builder) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid dualrepo.verify.recheck-window: " + e.getMessage(), e);
        }
    }

    @Override
    public Result run(Job job, Progress progress) {
        this.progress = progress;
        try {
            return switch (job) {
                case BACKFILL -> backfill();
                case VERIFY -> verify();
            };
        } finally {
            this.progress = (done, total) -> { };
        }
    }

    private Result backfill() {
        BackfillResult result = backfill.run();
        return new Result(result.finished(), result.rowsScanned(), result.rowsWritten(), null, result.toString());
    }

    private Result verify() {
        VerificationResult<K> result = verifier.verify();
        return new Result(result.isComplete(), result.oldRowsScanned() + result.newRowsScanned(), null,
                result.isComplete() ? result.isClean() : null, result.summary());
    }
}
