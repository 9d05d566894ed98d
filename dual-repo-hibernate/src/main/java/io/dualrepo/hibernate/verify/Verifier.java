package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Equivalence;
import io.dualrepo.hibernate.HibernateMeters;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.durable.KeySync;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Checkpoint;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Totals;
import io.dualrepo.hibernate.internal.lease.LeaseTables;
import io.dualrepo.hibernate.internal.lease.Pacer;
import io.dualrepo.hibernate.internal.lease.Ticker;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.spi.CompareOptions;
import io.dualrepo.spi.StructuralDiff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans both models of a migration in key order and reports the keys missing in NEW, the keys missing in OLD and
 * the keys whose values differ, with sample diffs through the same structural equivalence as the shadow
 * comparison; and, apart, the disagreeing keys a model rejected ({@link io.dualrepo.hibernate.quarantine.Quarantine}:
 * found by the backfill or the repair), which are not migrated either, so a verification with any is not clean.
 *
 * <pre>{@code
 * VerificationResult<String> result = Verifier.builder(migration)
 *         .threads(4)
 *         .rowsPerSecond(20_000)
 *         .recheck(3, Duration.ofSeconds(2))
 *         .onProgress(progress -> log.info("{} of {} rows, eta {}", progress.done(), progress.total(),
 *                 progress.eta()))
 *         .build()
 *         .verify();
 * if (!result.isClean()) {
 *     log.warn(result.summary());
 * }
 * }</pre>
 *
 * <h2>Segments, workers and instances</h2>
 * A pass splits the key range into segments: one {@linkplain Builder#pageSize page} of OLD's keys each (the last one
 * runs on to NEW's last key). Workers ({@link Builder#threads threads} of this verifier, and other verifiers with the
 * same {@link Builder#jobName jobName} and another {@link Builder#workerId workerId}, on other machines) claim
 * segments as the backfill claims batches, from two tables in the new model's database, created when missing:
 * {@code dualrepo_verify_checkpoint} (one row per job: the last key claimed, whether the pass is finished, when it
 * began) and {@code dualrepo_verify_lease} (one row per segment: its key range, owner, expiry, status, counts and
 * findings, which are counts and sample keys, never values). A worker reads the segment from both models (two page
 * queries: the claim's read of OLD, one of NEW), merges them by key, re-checks the keys that disagree, and marks the
 * segment done with its findings in one short transaction. A segment whose worker died is taken over once its lease
 * expires ({@link Builder#leaseDuration leaseDuration}); a verifier restarted with the same {@code workerId} takes its
 * own back at once. Every key therefore falls into exactly one segment, and every segment is counted once.
 *
 * <h2>Stopping and resuming</h2>
 * Interrupt the thread that called {@link #verify()} (or a worker's, from the {@linkplain Builder#onProgress progress
 * listener}) and every worker stops after its segment; the result is then {@linkplain VerificationResult#isComplete()
 * incomplete} and never clean. The next run resumes the pass where it stopped, and its result covers the whole pass,
 * the segments verified before as well. A run that finds the pass finished starts a new one; {@link
 * Builder#restart()} starts a new one even when the pass is not finished (only while no other worker runs the
 * job). The migration record hears of a pass only when it is complete, from the worker that finished it.
 *
 * <h2>Live re-checks</h2>
 * It runs while dual writes continue, so a key seen disagreeing may be a write in flight: every such key is read
 * again from both models before it is reported (in batches for presence, one by one for values), {@link
 * Builder#recheck times} times spread over a window, and is reported only if it disagrees every time; a key that
 * agrees counts as resolved. {@link #verifyAndRepair()} then makes the other model hold what the {@linkplain
 * Builder#sourceOfTruth source of truth} holds at each remaining key, through {@link KeySync}: it reads the source
 * again inside the repair's transaction, never repairing from the scan's read.
 *
 * <p>Both models must page in the key type's natural order; a page that does not fails the verification with a
 * {@link KeyOrderException} rather than let the merge report keys missing that are not.
 *
 * <p>One {@code Verifier} is one instance of the job: {@link #verify()} is not to be called from two threads at once.
 *
 * @param <K> the key
 * @param <V> the domain value
 */
public final class Verifier<K extends Comparable<? super K>, V> {

    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_MAX_SAMPLES = 10;
    public static final Side DEFAULT_SOURCE_OF_TRUTH = Side.OLD;
    public static final int DEFAULT_THREADS = 1;
    /** No throttle. */
    public static final double UNLIMITED = Double.POSITIVE_INFINITY;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(2);
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);
    /** One re-check, at once: a write in flight has usually landed by then. */
    public static final int DEFAULT_RECHECK_TIMES = 1;
    public static final Duration DEFAULT_RECHECK_WINDOW = Duration.ZERO;

    /**
     * {@link HibernateMeters#VERIFY_DISCREPANCIES}; kind: missing_new, missing_old, differing, quarantined (a key a
     * model rejected, recorded in the quarantine).
     */
    public static final String DISCREPANCIES = HibernateMeters.VERIFY_DISCREPANCIES.meterName();
    /** {@link HibernateMeters#VERIFY_REPAIRS}; outcome: success, error. */
    public static final String REPAIRS = HibernateMeters.VERIFY_REPAIRS.meterName();

    /** How often a worker with nothing to claim looks whether others' segments are done. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Pattern VALID_JOB = Pattern.compile("[a-z][a-z0-9_.-]{0,199}");

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    final Migration<K, V> migration;
    final String job;
    final String workerId;
    final int threads;
    final int pageSize;
    final int maxSamples;
    final int recheckTimes;
    final Duration recheckPause;
    private final Side sourceOfTruth;
    private final double rowsPerSecond;
    private final Duration leaseDuration;
    private final Duration logInterval;
    private final VerificationProgress.Listener listener;
    private final boolean restart;
    private final Ticker ticker;
    private final Clock clock;
    private final StructuralDiff comparator;
    final Discrepancies<K, V> discrepancies;
    private final Passes<K, V> passes;
    private final @Nullable MigrationRecord record;

    private Verifier(Builder<K, V> builder) {
        this.migration = builder.migration;
        this.job = builder.jobName != null ? builder.jobName : migration.name();
        this.workerId = builder.workerId != null ? builder.workerId : defaultWorkerId();
        this.threads = builder.threads;
        this.pageSize = builder.pageSize;
        this.maxSamples = builder.maxSamples;
        this.recheckTimes = builder.recheckTimes;
        this.recheckPause = builder.recheckWindow.dividedBy(builder.recheckTimes);
        this.sourceOfTruth = builder.sourceOfTruth;
        this.rowsPerSecond = builder.rowsPerSecond;
        this.leaseDuration = builder.leaseDuration;
        this.logInterval = builder.logInterval;
        this.listener = builder.listener;
        this.restart = builder.restart;
        this.ticker = builder.ticker;
        this.clock = builder.clock;
        this.comparator = StructuralDiff.of(builder.options);
        this.discrepancies = new Discrepancies<>(migration, KeySync.of(migration, Verifier.equivalence(comparator)),
                sourceOfTruth, maxSamples, builder.meterRegistry);
        this.record = builder.record;
        this.passes = new Passes<>(migration, job, comparator, maxSamples, sourceOfTruth, record,
                builder.createTables);
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
     * Scans and reports; writes nothing to the models (only to its own tables). Must not be called inside a
     * transaction of either model's {@code Transactions}: each segment commits on its own.
     */
    public VerificationResult<K> verify() {
        return run(false);
    }

    /**
     * Scans, reports, and brings every discrepancy in line with the source of truth: the other model gets its value
     * where it is missing or differs, and loses the key where the source holds none. The result reports what the
     * scan found; a second verification shows what is left.
     */
    public VerificationResult<K> verifyAndRepair() {
        return run(true);
    }

    private VerificationResult<K> run(boolean repair) {
        if (migration.oldModel().transactions().inTransaction()
                || migration.newModel().transactions().inTransaction()) {
            throw new IllegalStateException("verify " + job + " must not run inside a transaction: it reads and"
                    + " commits each segment in transactions of its own");
        }
        long start = System.nanoTime();
        LeaseStore store = new LeaseStore(LeaseTables.VERIFY, job, clock, leaseDuration);
        passes.prepare(store);
        boolean resumed = inNew(session -> {
            Checkpoint checkpoint = store.lockCheckpoint(session);
            if (restart || checkpoint.finished()) {
                store.restart(session);
                store.markStarted(session, true);
                return false;
            }
            store.markStarted(session, false);
            return checkpoint.nextLease() > 1;
        });
        int own = 0;
        for (int i = 0; i < threads; i++) {
            String owner = owner(i);
            own += inNew(session -> store.expireOwnedBy(session, owner));
        }
        Totals before = inNew(store::totals);
        long total = migration.oldModel().transactions().read(migration.oldModel()::estimateCount);
        Progress progress = new Progress(job, listener, logInterval);
        progress.start(before.done(), before.removed(), total);
        log.info("{}: verifying OLD against NEW ({}, worker {}, {} thread{}, pages of {}, {}){}{}", migration.name(),
                resumed ? "resuming the pass after " + before.done() + " rows" : "new pass", workerId, threads,
                threads == 1 ? "" : "s", pageSize, Double.isInfinite(rowsPerSecond) ? "no rate limit"
                        : "at most " + rowsPerSecond + " rows/s", repair ? ", repairing from " + sourceOfTruth : "",
                own > 0 ? "; taking back " + own + " unfinished segments of its own" : "");
        VerifierRun<K, V> run = new VerifierRun<>(job, repair, store, progress, new Pacer(rowsPerSecond, ticker),
                new QuarantinedKeys<>(migration), ticker);
        Workers.run(this, run);
        // Statements run with the flag cleared: an interrupt during I/O closes an H2 file database's channel.
        boolean interrupted = Thread.interrupted();
        try {
            boolean complete = inNew(store::checkpoint).finished();
            VerificationResult<K> result = passes.result(run, complete, Duration.ofNanos(System.nanoTime() - start));
            if (complete && !result.isClean()) {
                log.warn("{}", result.summary());
            } else {
                log.info("{}", result.summary());
            }
            if (record != null && complete && run.isFinishedHere()) {
                Instant startedAt = inNew(store::startedAt).orElseGet(clock::instant);
                passes.recordEvidence(result, startedAt);
            }
            return result;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String owner(int thread) {
        return threads == 1 ? workerId : workerId + "/" + thread;
    }

    boolean equivalent(V oldValue, V newValue) {
        return comparator.equivalent(oldValue, newValue);
    }

    List<Difference> diff(V oldValue, V newValue) {
        return comparator.diff(oldValue, newValue);
    }

    private <R> R inNew(Function<Session, R> work) {
        return migration.newModel().transactions().inTransaction(work);
    }

    private static String defaultWorkerId() {
        // pid@host identifies the process for a person reading the lease table; the suffix keeps two verifiers
        // started in one process apart.
        String process = ManagementFactory.getRuntimeMXBean().getName();
        String id = process + "-" + UUID.randomUUID().toString().substring(0, 8);
        return id.length() <= 190 ? id : id.substring(id.length() - 190);
    }

    /** Builds a {@link Verifier}; every setting has a named default. */
    public static final class Builder<K extends Comparable<? super K>, V> {

        private final Migration<K, V> migration;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxSamples = DEFAULT_MAX_SAMPLES;
        private Side sourceOfTruth = DEFAULT_SOURCE_OF_TRUTH;
        private CompareOptions options = CompareOptions.defaults();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private @Nullable MigrationRecord record;
        private @Nullable String jobName;
        private @Nullable String workerId;
        private int threads = DEFAULT_THREADS;
        private double rowsPerSecond = UNLIMITED;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration logInterval = DEFAULT_LOG_INTERVAL;
        private VerificationProgress.Listener listener = progress -> {};
        private boolean restart;
        private boolean createTables = true;
        private int recheckTimes = DEFAULT_RECHECK_TIMES;
        private Duration recheckWindow = DEFAULT_RECHECK_WINDOW;
        private Ticker ticker = Ticker.SYSTEM;
        private Clock clock = Clock.systemUTC();

        private Builder(Migration<K, V> migration) {
            this.migration = Objects.requireNonNull(migration, "migration");
        }

        /**
         * The job's name in the lease tables: verifiers with the same name share the pass. Default: the migration's
         * name. Lower-case letters, digits, '_', '.', '-'; at most 200 characters.
         */
        public Builder<K, V> jobName(String jobName) {
            Objects.requireNonNull(jobName, "jobName");
            if (!VALID_JOB.matcher(jobName).matches()) {
                throw new IllegalArgumentException("jobName must be lower-case letters, digits, '_', '.' or '-',"
                        + " starting with a letter, at most 200 characters; was '" + jobName + "'");
            }
            this.jobName = jobName;
            return this;
        }

        /**
         * This instance's name in the lease table; give each machine its own and keep it across restarts, so that a
         * restarted instance takes its unfinished segments back at once. Default: pid@host and a random suffix.
         */
        public Builder<K, V> workerId(String workerId) {
            Objects.requireNonNull(workerId, "workerId");
            if (workerId.isBlank() || workerId.length() > 190) {
                throw new IllegalArgumentException("workerId must be 1 to 190 characters and not blank, was '"
                        + workerId + "'");
            }
            this.workerId = workerId;
            return this;
        }

        /** Workers of this instance, each verifying its own segments. Default {@value #DEFAULT_THREADS}. */
        public Builder<K, V> threads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be 1 to 64, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * At most this many OLD rows per second, over all of this instance's workers (each instance limits
         * itself). Default {@link #UNLIMITED}.
         */
        public Builder<K, V> rowsPerSecond(double rowsPerSecond) {
            if (!(rowsPerSecond > 0)) {
                throw new IllegalArgumentException("rowsPerSecond must be positive, was " + rowsPerSecond);
            }
            this.rowsPerSecond = rowsPerSecond;
            return this;
        }

        /**
         * How long a segment stays its worker's before another may take it over: longer than a segment takes,
         * re-check window included. Default 2 minutes.
         */
        public Builder<K, V> leaseDuration(Duration leaseDuration) {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("leaseDuration must be at least 1 s, was " + leaseDuration);
            }
            this.leaseDuration = leaseDuration;
            return this;
        }

        /** How often progress goes to the log at INFO. Default 10 s. */
        public Builder<K, V> logInterval(Duration logInterval) {
            Objects.requireNonNull(logInterval, "logInterval");
            if (logInterval.isNegative()) {
                throw new IllegalArgumentException("logInterval must not be negative, was " + logInterval);
            }
            this.logInterval = logInterval;
            return this;
        }

        /** Called after each segment with the pass's progress; a listener that throws is logged once and ignored. */
        public Builder<K, V> onProgress(VerificationProgress.Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Starts a new pass even when the last one stopped before its end; only while no other worker runs it. */
        public Builder<K, V> restart() {
            this.restart = true;
            return this;
        }

        /**
         * Reads each key found disagreeing again {@code times} times, evenly over {@code window} (the first after
         * {@code window / times}), and reports it only if it disagrees every time: a dual write in flight, or a
         * repair that lags, heals within the window and is not reported. The segment's worker waits meanwhile, so
         * the window must be well within the lease. Default: once, at once.
         */
        public Builder<K, V> recheck(int times, Duration window) {
            Objects.requireNonNull(window, "window");
            if (times < 1 || times > 100) {
                throw new IllegalArgumentException("recheck times must be 1 to 100, was " + times);
            }
            if (window.isNegative()) {
                throw new IllegalArgumentException("recheck window must not be negative, was " + window);
            }
            this.recheckTimes = times;
            this.recheckWindow = window;
            return this;
        }

        /** Tests: the clock the throttle and the re-checks wait on. */
        Builder<K, V> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Tests: the clock of the lease expiries. */
        Builder<K, V> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Rows per page query on each side. Default {@value #DEFAULT_PAGE_SIZE}. */
        public Builder<K, V> pageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * Sample keys kept of each kind of discrepancy (counts are always exact). Default {@value
         * #DEFAULT_MAX_SAMPLES}.
         */
        public Builder<K, V> maxSamples(int maxSamples) {
            if (maxSamples < 0) {
                throw new IllegalArgumentException("maxSamples must not be negative, was " + maxSamples);
            }
            this.maxSamples = maxSamples;
            return this;
        }

        /**
         * The model {@link #verifyAndRepair()} makes the other one agree with. Default OLD; during LIVE, when NEW
         * answers reads and takes writes first, a team may choose NEW.
         */
        public Builder<K, V> sourceOfTruth(Side side) {
            this.sourceOfTruth = Objects.requireNonNull(side, "sourceOfTruth");
            return this;
        }

        /** Fields left out of the comparison, as in {@code @Compare(ignoreFields = ...)}: names or dotted paths. */
        public Builder<K, V> ignoredFields(String... fields) {
            this.options = options.withIgnoredFields(Arrays.asList(fields));
            return this;
        }

        /** Compare collections as multisets, as in {@code @Compare(unordered = true)}. */
        public Builder<K, V> unorderedCollections(boolean unordered) {
            this.options = options.withUnorderedCollections(unordered);
            return this;
        }

        /** Field names masked in diffs, on top of those annotated {@code @Sensitive}. */
        public Builder<K, V> sensitiveFields(String... names) {
            this.options = options.withSensitiveFieldNames(Arrays.asList(names));
            return this;
        }

        /** Differences kept per differing key. Default {@value CompareOptions#DEFAULT_MAX_DIFFERENCES}. */
        public Builder<K, V> maxDifferencesPerKey(int max) {
            this.options = options.withMaxDifferences(max);
            return this;
        }

        /** Default: Micrometer's global registry. */
        public Builder<K, V> meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Where each verification's outcome is recorded (counts only), as the evidence the transition rules ask for
         * before a model serves reads. None by default: then nothing is recorded.
         */
        public Builder<K, V> migrationRecord(MigrationRecord record) {
            this.record = Objects.requireNonNull(record, "record");
            return this;
        }

        /**
         * Whether a run creates its checkpoint and lease tables in the new model's database where they are missing.
         * Default true; with false a run first checks that they are there and throws {@link IllegalStateException}
         * naming what is missing and the scripts that create it (docs/hibernate.md, "Schema").
         */
        public Builder<K, V> createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        public Verifier<K, V> build() {
            if (recheckWindow.multipliedBy(2).compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("the recheck window (" + recheckWindow + ") must be under half"
                        + " the lease duration (" + leaseDuration + "): a worker re-checking would lose its segment");
            }
            return new Verifier<>(this);
        }
    }

    /**
     * The comparator as an {@link Equivalence}, which may be handed a null; KeySync never does (it compares values
     * both models hold), and a null compares equivalent only to another.
     */
    private static <V> Equivalence<V> equivalence(StructuralDiff comparator) {
        return (oldValue, newValue) -> oldValue == null || newValue == null ? oldValue == newValue
                : comparator.equivalent(oldValue, newValue);
    }
}
