package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-syncs the keys waiting in the {@link PendingSyncTable}: for each, reads the value the primary holds now and
 * makes the other model hold it ({@link KeySync}), then deletes the key's rows. A key written several times is
 * synced once. State transfer by key, not a replay of the write: what the repair writes is the newest value, and
 * running it again changes nothing. A key waiting both ways (writes missed by NEW while OLD was the primary, then by
 * OLD once NEW was) is synced from the side whose row is the newest, so the latest acknowledged write is what both
 * models keep; the limits of that order are in {@code RepositoryRepair}. A key whose sync fails keeps its rows,
 * with one more attempt and the failure's classes (never its message), and is tried again on the next pass; from
 * {@value #PERSISTENT_FAILURE_ATTEMPTS} attempts on it is logged at ERROR. A key whose value the target model rejects
 * (a row error, {@link Quarantine#isRowError}) is also recorded in the target database's quarantine table, and leaves
 * it once synced; its pending rows stay until then, since they keep reads off the model that misses it.
 *
 * <p>Runs on demand ({@link #repairNow()}) and on a schedule ({@link #start(Duration)}, on one daemon thread,
 * stopped by {@link #close()}). Several instances may repair the same table at once: a key synced twice is
 * still right.
 *
 * <pre>{@code
 * PendingSyncRepair repair = PendingSyncRepair.builder().migration(migration).build();
 * repair.start(Duration.ofSeconds(30));
 * }</pre>
 */
public final class PendingSyncRepair implements AutoCloseable {

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_MIN_AGE = Duration.ZERO;
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);
    /**
     * Failed attempts from which a key's failures are logged at ERROR, not WARN: at this one and then as attempts
     * double (16, 32, 64, ...), so a key that never repairs shows in the log without flooding it. With a repair
     * every minute that is a quarter of an hour of retries that changed nothing: a value the target model refuses
     * (its {@code last_error} in the table names the exception) needs a person, not another retry.
     */
    public static final int PERSISTENT_FAILURE_ATTEMPTS = 16;

    private static final Logger log = LoggerFactory.getLogger(PendingSyncRepair.class);

    private final List<RepositoryRepair<?>> repositories = new ArrayList<>();
    private final Duration minAge;
    private final ReentrantLock passLock = new ReentrantLock();
    private @Nullable ScheduledExecutorService scheduler;

    private PendingSyncRepair(Builder builder) {
        this.minAge = builder.minAge;
        List<Registration<?>> registrations = new ArrayList<>();
        for (Migration<?, ?> migration : builder.migrations) {
            registrations.add(registration(migration));
        }
        for (Registration<?> registration : Registration.byName(registrations).values()) {
            RepositoryRepair<?> repository =
                    repositoryRepair(registration.migration, builder.table, builder.batchSize, builder.logInterval,
                            builder.meterRegistry);
            repositories.add(repository);
            for (SessionFactory database : repository.databases()) {
                builder.table.prepare(database, builder.createTables, "PendingSyncRepair");
                QuarantineStore.prepare(database, builder.createTables, "PendingSyncRepair");
            }
        }
    }

    // The repair needs no write keys: they were named when the rows were written.
    private static <K extends Comparable<? super K>> Registration<K> registration(Migration<K, ?> migration) {
        return Registration.of(migration, (method, arguments) -> List.of());
    }

    private static <K extends Comparable<? super K>> RepositoryRepair<K> repositoryRepair(Migration<K, ?> migration,
            PendingSyncTable table, int batchSize, Duration logInterval, MeterRegistry registry) {
        return new RepositoryRepair<>(migration, table, batchSize, logInterval, registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One pass over every waiting row of every repository; waits for a pass already running to end.
     *
     * @throws RuntimeException when a repository's pending rows could not be read (after the other repositories
     *     had their pass)
     */
    public RepairResult repairNow() {
        passLock.lock();
        try {
            long start = System.nanoTime();
            Instant createdBy = Instant.now().minus(minAge);
            long synced = 0;
            long failed = 0;
            long rejected = 0;
            long cleared = 0;
            Map<String, Long> stillPending = new LinkedHashMap<>();
            RuntimeException unreachable = null;
            for (RepositoryRepair<?> repository : repositories) {
                RepositoryRepair.Pass pass;
                try {
                    pass = repository.repair(createdBy);
                } catch (RuntimeException e) {
                    // A database that cannot be read must not keep the other repositories from their repair.
                    log.error("{}: pending-sync repair could not read its pending rows", repository.name(),
                            WithheldMessage.of(e));
                    if (unreachable == null) {
                        unreachable = e;
                    } else {
                        unreachable.addSuppressed(e);
                    }
                    continue;
                }
                synced += pass.synced;
                failed += pass.failed;
                rejected += pass.rejected;
                cleared += pass.cleared;
                stillPending.put(repository.name(), pass.stillPending);
            }
            if (unreachable != null) {
                throw unreachable;
            }
            return new RepairResult(synced, failed, rejected, cleared, stillPending,
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            passLock.unlock();
        }
    }

    /** Runs {@link #repairNow()} every {@code interval} (the first after one interval) until {@link #close()}. */
    public synchronized PendingSyncRepair start(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("repair interval must be positive, was " + interval);
        }
        if (scheduler != null) {
            throw new IllegalStateException("the repair is already scheduled; close() it first");
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualrepo-pending-sync-repair");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler = scheduler;
        scheduler.scheduleWithFixedDelay(this::scheduledPass, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
        return this;
    }

    private void scheduledPass() {
        try {
            repairNow();
        } catch (RuntimeException | Error e) {
            // A scheduled task that throws is never run again: log it and keep the schedule.
            log.error("{}: pending-sync repair pass failed; the next pass will retry",
                    repositories.stream().map(RepositoryRepair::name).toList(), WithheldMessage.of(e));
        }
    }

    /** Stops the schedule, letting a pass in progress finish (up to 30 s). Idempotent. */
    @Override
    public synchronized void close() {
        ScheduledExecutorService scheduler = this.scheduler;
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        this.scheduler = null;
    }

    /**
     * Builds a {@link PendingSyncRepair}; {@link #build()} creates the pending-sync table and the quarantine table
     * where they are missing.
     */
    public static final class Builder {

        private final List<Migration<?, ?>> migrations = new ArrayList<>();
        private PendingSyncTable table = PendingSyncTable.defaults();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration minAge = DEFAULT_MIN_AGE;
        private Duration logInterval = DEFAULT_LOG_INTERVAL;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private boolean createTables = true;

        private Builder() {}

        /** A migration whose waiting keys this repair re-syncs; its name is the repository in the table. */
        public Builder migration(Migration<?, ?> migration) {
            migrations.add(Objects.requireNonNull(migration, "migration"));
            return this;
        }

        /** Default: {@link PendingSyncTable#defaults()}; the one the scope or the sink writes. */
        public Builder table(PendingSyncTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * Rows read per page, and so at most the keys synced together in one batch: leased, read from the source and
         * written to the target in one transaction each, cleared in one. 1 syncs each key on its own, as before
         * batches. Default {@value #DEFAULT_BATCH_SIZE}.
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Rows younger than this are left to the next pass: most belong to a dual write whose secondary is still
         * being written, and will be deleted by it. Syncing them anyway is safe, only wasted work. Default zero.
         */
        public Builder minAge(Duration minAge) {
            Objects.requireNonNull(minAge, "minAge");
            if (minAge.isNegative()) {
                throw new IllegalArgumentException("minAge must not be negative, was " + minAge);
            }
            this.minAge = minAge;
            return this;
        }

        /** How often a pass under way logs its progress at INFO (keys done of the total, rate, ETA). Default 10 s. */
        public Builder logInterval(Duration logInterval) {
            Objects.requireNonNull(logInterval, "logInterval");
            if (logInterval.isNegative()) {
                throw new IllegalArgumentException("logInterval must not be negative, was " + logInterval);
            }
            this.logInterval = logInterval;
            return this;
        }

        /** Default: Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Whether {@link #build()} creates the {@link PendingSyncTable} and the quarantine table where they are
         * missing. Default true; with false it checks that they are there, with every column, and throws {@link
         * IllegalStateException} naming what is missing and the scripts that create it (docs/hibernate.md, "Schema").
         */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        public PendingSyncRepair build() {
            return new PendingSyncRepair(this);
        }
    }
}
