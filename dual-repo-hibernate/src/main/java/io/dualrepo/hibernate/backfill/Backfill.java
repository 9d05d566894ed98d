package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.record.MigrationRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Copies a migration's old model into its new model: key order, one batch per transaction, resumable where it
 * stopped, safe to run twice and on several machines at once. Run it while the old model is the primary of the dual
 * writes (stages DUAL_WRITE and SHADOW), which is when the playbook backfills.
 *
 * <pre>{@code
 * BackfillResult result = Backfill.builder(migration)
 *         .batchSize(1000)
 *         .rowsPerSecond(5000)
 *         .meterRegistry(registry)
 *         .onProgress(progress -> bar.show(progress.done(), progress.total(), progress.eta()))
 *         .build()
 *         .run();
 * log.info("{}", result);   // backfill incidents: finished, 1,000,000 rows scanned, ...
 * }</pre>
 *
 * <h2>What a batch does</h2>
 * A worker reads up to {@link Builder#batchSize batchSize} old rows after the last key claimed, then, in one
 * transaction of the new model's database, inserts those the new model does not hold ({@code
 * KeyedModel.insertAbsent}: a row a dual write put there is never overwritten) and records the batch as copied. A
 * batch that fails on a conflict (a dual write inserting one of its keys at the same moment, a deadlock) is retried
 * as a whole, up to {@link Builder#maxRetries maxRetries} times; the retry reads the new model again, so it skips
 * the key the dual write took.
 *
 * <h2>Deletes racing the copy</h2>
 * A dual write may delete a row after the worker read it and before its insert committed; the insert would then bring
 * the row back. So after the batch commits, the worker reads the old model's rows in the batch's key range again (one
 * range read), and removes the keys it inserted that the old model no longer holds from the new model. Why that is
 * enough: a dual write deletes from the old model first and, once that has committed, from the new one. If the
 * new-model delete ran after the insert committed, it deleted the copy itself. If it ran before, the old-model delete
 * had committed before it, hence before the insert committed, hence before the check, which therefore sees the key
 * gone. When the two deletes share one transaction ({@code SameDatabaseScope}), the old-model delete becomes visible
 * only at that transaction's commit, which may follow the insert; the check is therefore made one batch later, once the
 * next batch is written, by which time such a transaction has committed unless it stayed open longer than a batch takes
 * (what that leaves, the verifier finds). The removal itself reads the old model again after deleting and keeps any key
 * a dual write has put back meanwhile. All this trusts the old model to say which rows exist, which is why the backfill
 * runs while the old model is the primary: with the new model written first, a key a dual write is creating is briefly
 * in the new model only.
 *
 * <h2>Updates racing the copy</h2>
 * A dual write may likewise change a row after the worker read it and before its insert committed: its old-model
 * half commits, its new-model half ({@code update ... where id = ?}) finds no row to change, and the insert then
 * writes the value read before the update, which nothing records. So the same re-read compares each inserted key's
 * old value with the one inserted, and brings every key whose old value changed to the old model's current value,
 * key by key ({@code KeySync}, as the pending-sync repair does). Why any write acknowledged before the re-read is
 * then in the new model: its old-model half committed before its new-model half began. If that new-model half
 * began after the insert committed, it found the inserted row and changed it. If it began before, its old-model
 * half committed before the insert did, hence before the re-read, which sees its value (or a later one) and syncs
 * the key unless the old model still holds what was inserted. A write whose old-model half commits after the
 * re-read has its new-model half start later still, after the insert: it finds the row. One transaction over both
 * models delays that visibility to its commit, as for deletes above, and the check one batch later covers it the
 * same way. The cost is the re-read, one more page of the old model per batch (it also answers the delete check),
 * and a sync per changed key, which only racing writes cause. A batch taken over after its copy is compared with
 * what the new model holds in its range, since what the dead worker inserted is not known.
 *
 * <h2>Rows the new model rejects</h2>
 * A batch whose copy fails on a row error ({@link Quarantine#isRowError}: the conversion threw on a value it cannot
 * take, or the new model's database refused it with a data exception or an integrity violation) is copied again
 * one row per transaction. Each row it rejects is recorded in the quarantine table ({@link Quarantine}: key,
 * exception class, SQLState, the chain's classes with messages withheld, when, attempts), counted, and left behind;
 * the other rows are copied and the job goes on. A row a dual write changes to a value the new model rejects while
 * its batch is copied is quarantined the same way. Every run starts by trying the quarantined rows again, from the
 * old model's current value: those that go through leave the quarantine. Failures that are not the row's (a lost
 * connection, a timeout, a missing table) stop the run as before; they never quarantine a row. {@link
 * Builder#failOnReject()} stops at the first rejected row instead, with nothing of its batch committed; and a run
 * that rejects more than {@link Builder#maxRejectedRows maxRejectedRows} new rows stops, since a conversion with a
 * bug rejects them all. Either way the {@link BackfillException} names the batch, its key range and the key.
 *
 * <p>A finished job with rows in the quarantine does not count as a backfill for the migration record: the new
 * model is missing those rows. Fix them in the old model (or the new model's constraint or the conversion), then run
 * the job again with {@link Builder#restart()}, which tries the quarantined rows first and counts if the quarantine
 * ends empty; or force the new model complete, on record.
 *
 * <h2>Checkpoints and leases</h2>
 * The backfill keeps two tables in the new model's database, created when missing: {@code
 * dualrepo_backfill_checkpoint}, one row per job (the last key claimed, the next lease number, whether the job has
 * finished, and its totals once it has), and {@code dualrepo_backfill_lease}, one row per batch (the key range: after
 * {@code start_key}, through {@code end_key}; its owner, a token, when it expires, its status and its counts). A worker
 * <ol>
 *   <li>claims a batch in a short transaction: it locks the job's checkpoint row ({@code select ... for update}),
 *       takes over the oldest lease whose owner's time ran out ({@code for update skip locked}), or else reads the
 *       next old rows after the last key claimed, records them as a new {@code active} lease that expires after
 *       {@link Builder#leaseDuration leaseDuration}, and moves the checkpoint past them;</li>
 *   <li>copies the batch outside that lock, marking the lease {@code copied} (with its rows read and written) in the
 *       same transaction as the inserts, provided its token is still the worker's: a worker whose lease was taken
 *       over rolls its inserts back;</li>
 *   <li>runs the check above (updates re-synced, deletes undone) and marks the lease {@code done} (with the rows it
 *       removed), in the same transaction as the removals.</li>
 * </ol>
 * Every old key therefore falls into exactly one lease, and a lease is counted once: its counts are written in the
 * transaction that did its work. A worker that dies leaves an {@code active} lease (nothing of it committed: it is
 * copied again) or a {@code copied} one (only the check is run again, over what the new model holds in the
 * range). Another worker takes it over once it expires; the same worker, restarted with the same {@link
 * Builder#workerId workerId}, takes its own back at once. When nothing is left to claim and no lease is open, the job
 * is finished; a worker that finds others' leases still open waits for them to end or expire. Lease times come from
 * the workers' clocks, which must agree to well within the lease duration.
 *
 * <p>A worker copies a batch on a thread of its own and meanwhile claims the next batch and checks the one before: one
 * copy at a time, in key order, each begun only once the one before it has committed, and a batch checked only once
 * the next batch's copy has committed, as above. On PostgreSQL the inserts are most of a backfill's time, and this way
 * the rest no longer waits behind them (docs/benchmarks.md). So a worker holds up to three connections at once: the
 * copy's, and the claim's in both models' databases; and it calls its models from two threads.
 *
 * <h2>Running it again</h2>
 * A run resumes the job where it stopped. A finished job's run does nothing and says so; {@link Builder#restart()}
 * (or another {@link Builder#jobName jobName}) scans from the first key again, writing only what is missing: after a
 * complete run, nothing. Restart a job only while no other worker runs it. A {@link Builder#dryRun() dry run} reads
 * from the first key and counts the old rows the new model lacks, touching neither model nor the checkpoint tables.
 *
 * <p>One {@code Backfill} is one worker: {@link #run()} is not to be called from two threads at once. Stop a run by
 * interrupting its thread: it ends the batches in hand (the one being copied and the one claimed meanwhile), checks
 * them, and returns with the thread's interrupt flag set. Progress goes to the {@link ProgressListener}, to gauges
 * (see {@link BackfillMetrics}) and to an INFO line every {@link Builder#logInterval logInterval}.
 *
 * @param <K> the migration's key
 * @param <V> the migration's domain value
 */
public final class Backfill<K extends Comparable<? super K>, V> {

    public static final int DEFAULT_BATCH_SIZE = 1000;
    /** The largest batch: the presence reads put a batch's keys in one {@code in} list. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** No throttle. */
    public static final double UNLIMITED = Double.POSITIVE_INFINITY;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(2);
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final long DEFAULT_MAX_REJECTED_ROWS = 1000;

    private static final Pattern VALID_JOB = Pattern.compile("[a-z][a-z0-9_.-]{0,199}");
    private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    final Migration<K, V> migration;
    final String job;
    final String workerId;
    final int batchSize;
    final double rowsPerSecond;
    final boolean dryRun;
    final boolean restart;
    final Duration leaseDuration;
    final Duration logInterval;
    final Duration pollInterval;
    final int maxRetries;
    final boolean failOnReject;
    final long maxRejectedRows;
    final ProgressListener listener;
    final boolean createTables;
    final Clock clock;
    private final @Nullable MigrationRecord record;
    /** None in a dry run or without a registry. */
    private final @Nullable BackfillMeters meters;
    private final AtomicBoolean running = new AtomicBoolean();

    private Backfill(Builder<K, V> builder) {
        this.migration = builder.migration;
        this.job = builder.jobName != null ? builder.jobName : migration.name();
        this.workerId = builder.workerId != null ? builder.workerId : defaultWorkerId();
        this.batchSize = builder.batchSize;
        this.rowsPerSecond = builder.rowsPerSecond;
        this.dryRun = builder.dryRun;
        this.restart = builder.restart;
        this.leaseDuration = builder.leaseDuration;
        this.logInterval = builder.logInterval;
        this.pollInterval = builder.pollInterval;
        this.maxRetries = builder.maxRetries;
        this.failOnReject = builder.failOnReject;
        this.maxRejectedRows = builder.maxRejectedRows;
        this.listener = builder.listener;
        this.createTables = builder.createTables;
        this.clock = builder.clock;
        this.record = builder.record;
        this.meters = builder.registry == null || dryRun ? null : new BackfillMeters(builder.registry, job);
    }

    /** A backfill of this migration with every default: job named after the migration, unthrottled. */
    public static <K extends Comparable<? super K>, V> Backfill<K, V> of(Migration<K, V> migration) {
        return builder(migration).build();
    }

    public static <K extends Comparable<? super K>, V> Builder<K, V> builder(Migration<K, V> migration) {
        return new Builder<>(migration);
    }

    public String job() {
        return job;
    }

    public String workerId() {
        return workerId;
    }

    /**
     * Runs this worker until the job is finished (or, for a dry run, the old model is read to the end), or its
     * thread is interrupted. Must not be called inside a transaction of either model's {@code Transactions}: each
     * batch commits on its own.
     *
     * @throws BackfillException when a batch failed for a reason that is not its rows' (or still conflicted after the
     *     retries), or a row was rejected under {@link Builder#failOnReject()}, or more than {@link
     *     Builder#maxRejectedRows} were: it names the batch, its key range and the key; the job resumes from there on
     *     the next run
     */
    public BackfillResult run() {
        if (migration.oldModel().transactions().inTransaction()
                || migration.newModel().transactions().inTransaction()) {
            throw new IllegalStateException("backfill " + job + " must not run inside a transaction: it commits"
                    + " each batch on its own");
        }
        Evidence evidence = record == null ? null : new Evidence(this, record);
        if (evidence != null && !dryRun) {
            evidence.refuseUnlessItCounts();
        }
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("backfill " + job + " (worker " + workerId + ") is already running;"
                    + " build one Backfill per worker");
        }
        try {
            ProgressReporter progress = new ProgressReporter(job, dryRun, listener, meters, logInterval);
            if (dryRun) {
                return new DryRun<>(this, progress).run();
            }
            Instant started = Instant.now();
            Evidence.JobStart start = restart ? Evidence.JobStart.FIRST_KEY : Evidence.jobStart(this);
            BackfillResult result = new Worker<>(this, progress, meters).run();
            if (evidence != null && result.finished() && start != Evidence.JobStart.ALREADY_FINISHED) {
                evidence.record(start == Evidence.JobStart.FIRST_KEY ? started : null, result.rowsInQuarantine());
            }
            return result;
        } finally {
            running.set(false);
        }
    }

    private static String defaultWorkerId() {
        // pid@host identifies the process for a person reading the lease table; the suffix keeps two workers
        // started in one process apart.
        String process = ManagementFactory.getRuntimeMXBean().getName();
        String id = process + "-" + UUID.randomUUID().toString().substring(0, 8);
        return id.length() <= 200 ? id : id.substring(id.length() - 200);
    }

    /** A backfill's settings; every one has a default. */
    public static final class Builder<K extends Comparable<? super K>, V> {
        private final Migration<K, V> migration;
        private @Nullable String jobName;
        private @Nullable String workerId;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private double rowsPerSecond = UNLIMITED;
        private boolean dryRun;
        private boolean restart;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration logInterval = DEFAULT_LOG_INTERVAL;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private boolean failOnReject;
        private long maxRejectedRows = DEFAULT_MAX_REJECTED_ROWS;
        private ProgressListener listener = progress -> {};
        private @Nullable MeterRegistry registry;
        private Clock clock = Clock.systemUTC();
        private @Nullable MigrationRecord record;
        private boolean createTables = true;

        private Builder(Migration<K, V> migration) {
            this.migration = Objects.requireNonNull(migration, "migration");
        }

        /**
         * The job's name, which keys its checkpoint: lower-case letters, digits, '.', '-' and '_', starting with a
         * letter. Default: the migration's name.
         */
        public Builder<K, V> jobName(String jobName) {
            Objects.requireNonNull(jobName, "jobName");
            if (!VALID_JOB.matcher(jobName).matches()) {
                throw new IllegalArgumentException("backfill job name '" + jobName + "' is not valid: use up to 200"
                        + " lower-case letters, digits, '.', '-' and '_', starting with a letter");
            }
            this.jobName = jobName;
            return this;
        }

        /**
         * Names this worker in the lease table. A worker restarted with the same id takes its unfinished leases back
         * at once instead of waiting for them to expire, so give each worker a stable id of its own (a pod name);
         * two workers running at once must not share one. Default: pid@host and a random suffix.
         */
        public Builder<K, V> workerId(String workerId) {
            Objects.requireNonNull(workerId, "workerId");
            if (workerId.isBlank() || workerId.length() > 200) {
                throw new IllegalArgumentException("backfill worker id '" + workerId
                        + "' is not valid: use 1 to 200 characters, not all blank");
            }
            this.workerId = workerId;
            return this;
        }

        /**
         * Old rows per batch, and per transaction. Default {@value #DEFAULT_BATCH_SIZE}; on PostgreSQL 2,000 to
         * 10,000 copies faster (5,000 was 13 % faster than 1,000 in docs/benchmarks.md), at the price of longer
         * transactions and more work redone after a crash.
         */
        public Builder<K, V> batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("backfill batch size " + batchSize + " is out of range: use 1 to "
                        + MAX_BATCH_SIZE);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The most old rows per second this worker copies (each worker is paced on its own). Default {@link
         * #UNLIMITED}.
         */
        public Builder<K, V> rowsPerSecond(double rowsPerSecond) {
            if (!(rowsPerSecond > 0)) {
                throw new IllegalArgumentException("backfill rate " + rowsPerSecond
                        + " rows/s is not valid: use a positive number, or Backfill.UNLIMITED");
            }
            this.rowsPerSecond = rowsPerSecond;
            return this;
        }

        /** Reports what a run from the first key would write, and writes nothing (no checkpoint either). */
        public Builder<K, V> dryRun() {
            this.dryRun = true;
            return this;
        }

        /**
         * Starts the job over from the first key on every {@link #run()} of this backfill, forgetting its
         * checkpoint and leases: the way to scan a finished job again. Only while no other worker runs the job.
         */
        public Builder<K, V> restart() {
            this.restart = true;
            return this;
        }

        /**
         * How long a claimed batch stays this worker's before another worker may take it over. It must outlast a
         * batch with its throttle pause; a worker that dies holds its batches this long. Default two minutes.
         */
        public Builder<K, V> leaseDuration(Duration leaseDuration) {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            if (leaseDuration.isNegative() || leaseDuration.isZero()) {
                throw new IllegalArgumentException("backfill lease duration " + leaseDuration + " must be positive");
            }
            this.leaseDuration = leaseDuration;
            return this;
        }

        /** How often a progress line is logged at INFO. Default ten seconds. */
        public Builder<K, V> logInterval(Duration logInterval) {
            Objects.requireNonNull(logInterval, "logInterval");
            if (logInterval.isNegative() || logInterval.isZero()) {
                throw new IllegalArgumentException("backfill log interval " + logInterval + " must be positive");
            }
            this.logInterval = logInterval;
            return this;
        }

        /**
         * How many times a batch that conflicted with a concurrent write is tried again. Default {@value
         * #DEFAULT_MAX_RETRIES}.
         */
        public Builder<K, V> maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("backfill max retries " + maxRetries + " must not be negative");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Stops the run at the first row the new model (or the conversion) rejects, as before there was a
         * quarantine: nothing of that row's batch commits, and the {@link BackfillException} names the row's key and
         * the batch's key range. Quarantined rows the run tries again stop it too. Default: quarantine such rows and
         * go on.
         */
        public Builder<K, V> failOnReject() {
            this.failOnReject = true;
            return this;
        }

        /**
         * The most rows a run quarantines before it stops (rows of its batches; quarantined rows tried again are not
         * counted): a conversion or a constraint of the new model that is wrong rejects every row, and is better
         * found after a thousand rows than after the table. Default {@value #DEFAULT_MAX_REJECTED_ROWS}.
         */
        public Builder<K, V> maxRejectedRows(long maxRejectedRows) {
            if (maxRejectedRows < 0) {
                throw new IllegalArgumentException("backfill max rejected rows " + maxRejectedRows
                        + " must not be negative");
            }
            this.maxRejectedRows = maxRejectedRows;
            return this;
        }

        public Builder<K, V> onProgress(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where a finished run reports that it backfilled the new model: the migration record whose rules decide
         * when reads may move to it ({@link io.dualrepo.record.Transitions}). Default: none.
         */
        public Builder<K, V> migrationRecord(MigrationRecord record) {
            this.record = Objects.requireNonNull(record, "record");
            return this;
        }

        /** Where the progress gauges go (see {@link BackfillMetrics}); none by default. */
        public Builder<K, V> meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Whether a run creates its checkpoint, lease and quarantine tables in the new model's database where they
         * are missing. Default true; with false a run first checks that they are there, with every column, and
         * throws {@link IllegalStateException} naming what is missing and the scripts that create it
         * (docs/hibernate.md, "Schema").
         */
        public Builder<K, V> createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        /** How often a worker with nothing to claim looks again while other workers' leases are open. */
        Builder<K, V> pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /** The clock lease times are read from; tests move it to expire leases. */
        Builder<K, V> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Backfill<K, V> build() {
            if (rowsPerSecond != UNLIMITED) {
                // A worker holds a copied batch's lease until its next batch is written, throttle pause included.
                Duration paced = Duration.ofNanos((long) Math.ceil(batchSize * 1e9 / rowsPerSecond));
                if (leaseDuration.compareTo(paced.multipliedBy(2)) <= 0) {
                    throw new IllegalArgumentException("backfill lease duration " + leaseDuration + " is too short for"
                            + " batches of " + batchSize + " rows at " + rowsPerSecond + " rows/s (" + paced
                            + " per batch): make it longer than twice that, or raise the rate");
                }
            }
            return new Backfill<>(this);
        }
    }
}
