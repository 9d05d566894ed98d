package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.internal.WithheldMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.hibernate.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-syncs the keys waiting in the {@link PendingSyncTable}: for each, reads the value the primary holds now and
 * makes the other model hold it ({@link KeySync}), then deletes the key's rows. A key written several times is
 * synced once. State transfer by key, not a replay of the write: what the repair writes is the newest value, and
 * running it again changes nothing. A key whose sync fails keeps its rows, with one more attempt and the error,
 * and is tried again on the next pass.
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

    public static final int DEFAULT_BATCH_SIZE = 200;
    public static final Duration DEFAULT_MIN_AGE = Duration.ZERO;

    private static final Logger log = LoggerFactory.getLogger(PendingSyncRepair.class);

    private final List<Repository<?>> repositories = new ArrayList<>();
    private final PendingSyncTable table;
    private final int batchSize;
    private final Duration minAge;
    private final ReentrantLock passLock = new ReentrantLock();
    private ScheduledExecutorService scheduler;

    private PendingSyncRepair(Builder builder) {
        this.table = builder.table;
        this.batchSize = builder.batchSize;
        this.minAge = builder.minAge;
        List<Registration<?>> registrations = new ArrayList<>();
        for (Migration<?, ?> migration : builder.migrations) {
            registrations.add(registration(migration));
        }
        for (Registration<?> registration : Registration.byName(registrations).values()) {
            Repository<?> repository = new Repository<>(registration.migration, builder.meterRegistry);
            repositories.add(repository);
            for (SessionFactory database : repository.databases()) {
                table.createIfMissing(database);
            }
        }
    }

    // The repair needs no write keys: they were named when the rows were written.
    private static <K extends Comparable<? super K>> Registration<K> registration(Migration<K, ?> migration) {
        return Registration.of(migration, (method, arguments) -> List.of());
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
            long cleared = 0;
            Map<String, Long> stillPending = new LinkedHashMap<>();
            RuntimeException unreachable = null;
            for (Repository<?> repository : repositories) {
                Pass pass;
                try {
                    pass = repository.repair(createdBy);
                } catch (RuntimeException e) {
                    // A database that cannot be read must not keep the other repositories from their repair.
                    log.error("{}: pending-sync repair could not read its pending rows", repository.name(), e);
                    if (unreachable == null) {
                        unreachable = e;
                    } else {
                        unreachable.addSuppressed(e);
                    }
                    continue;
                }
                synced += pass.synced;
                failed += pass.failed;
                cleared += pass.cleared;
                stillPending.put(repository.name(), pass.stillPending);
            }
            if (unreachable != null) {
                throw unreachable;
            }
            return new RepairResult(synced, failed, cleared, stillPending, Duration.ofNanos(System.nanoTime() - start));
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
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualrepo-pending-sync-repair");
            thread.setDaemon(true);
            return thread;
        });
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
                    repositories.stream().map(Repository::name).toList(), e);
        }
    }

    /** Stops the schedule, letting a pass in progress finish (up to 30 s). Idempotent. */
    @Override
    public synchronized void close() {
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
        scheduler = null;
    }

    /** What one pass did for one repository. */
    private static final class Pass {
        long synced;
        long failed;
        long cleared;
        long stillPending;
    }

    /** One migration's rows, meters and sync. */
    private final class Repository<K extends Comparable<? super K>> {

        private final Migration<K, ?> migration;
        private final KeySync<K, ?> sync;
        private final AtomicLong pending = new AtomicLong();
        private final Map<Side, Counter> repaired = new EnumMap<>(Side.class);
        private final Map<Side, Counter> failures = new EnumMap<>(Side.class);

        Repository(Migration<K, ?> migration, MeterRegistry registry) {
            this.migration = migration;
            this.sync = KeySync.of(migration);
            Gauge.builder(SyncMetrics.PENDING, pending, AtomicLong::get)
                    .description("Keys waiting for the repair, as the last repair pass left them")
                    .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                    .register(registry);
            for (Side side : Side.values()) {
                repaired.put(side, Counter.builder(SyncMetrics.REPAIRED)
                        .description("Keys the repair re-synced and cleared")
                        .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                        .tag(SyncMetrics.TAG_SIDE, side.tag())
                        .register(registry));
                failures.put(side, Counter.builder(SyncMetrics.REPAIR_FAILURES)
                        .description("Keys whose repair failed; they stay waiting")
                        .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                        .tag(SyncMetrics.TAG_SIDE, side.tag())
                        .register(registry));
            }
        }

        String name() {
            return migration.name();
        }

        /** Each database once, also when both models share one. */
        List<SessionFactory> databases() {
            Map<SessionFactory, Boolean> distinct = new IdentityHashMap<>();
            List<SessionFactory> databases = new ArrayList<>();
            for (Side side : Side.values()) {
                SessionFactory database = migration.model(side).transactions().sessionFactory();
                if (distinct.put(database, Boolean.TRUE) == null) {
                    databases.add(database);
                }
            }
            return databases;
        }

        Pass repair(Instant createdBy) {
            Pass pass = new Pass();
            for (SessionFactory database : databases()) {
                Transactions transactions = Transactions.of(database);
                long after = 0;
                while (true) {
                    long from = after;
                    List<PendingSyncTable.Row> rows =
                            transactions.read(session -> table.page(session, name(), from, createdBy, batchSize));
                    if (rows.isEmpty()) {
                        break;
                    }
                    after = rows.get(rows.size() - 1).id();
                    repairBatch(transactions, rows, pass);
                }
                pass.stillPending += transactions.read(session -> table.count(session, name()));
            }
            pending.set(pass.stillPending);
            if (pass.synced + pass.failed > 0) {
                log.info("{}: pending-sync repair synced {} key(s), {} failed, {} still pending", name(),
                        pass.synced, pass.failed, pass.stillPending);
            }
            return pass;
        }

        private void repairBatch(Transactions transactions, List<PendingSyncTable.Row> rows, Pass pass) {
            // A key written several times waits in several rows: one sync brings it up to date for all of them.
            Map<String, List<PendingSyncTable.Row>> byTargetAndKey = new LinkedHashMap<>();
            for (PendingSyncTable.Row row : rows) {
                byTargetAndKey.computeIfAbsent(row.targetSide() + ' ' + row.key(), k -> new ArrayList<>()).add(row);
            }
            for (List<PendingSyncTable.Row> sameKey : byTargetAndKey.values()) {
                PendingSyncTable.Row row = sameKey.get(0);
                List<Long> ids = sameKey.stream().map(PendingSyncTable.Row::id).toList();
                Side target;
                try {
                    target = Side.valueOf(row.targetSide());
                } catch (IllegalArgumentException e) {
                    fail(transactions, row, ids, null, "unknown target side '" + row.targetSide() + "'", pass, e);
                    continue;
                }
                try {
                    K key = migration.keyType().decode(row.key());
                    KeySync.Outcome outcome = sync.sync(target.other(), key);
                    transactions.runInTransaction(session -> {
                        table.delete(session, ids);
                    });
                    repaired.get(target).increment();
                    pass.synced++;
                    pass.cleared += ids.size();
                    log.debug("{}: key {} re-synced to {} ({})", name(), Printable.of(row.key()), target, outcome);
                } catch (RuntimeException e) {
                    fail(transactions, row, ids, target, String.valueOf(e), pass, e);
                }
            }
        }

        private void fail(Transactions transactions, PendingSyncTable.Row row, List<Long> ids, Side target,
                String error, Pass pass, RuntimeException cause) {
            pass.failed++;
            if (target != null) {
                failures.get(target).increment();
            }
            int attempt = row.attempts() + 1;
            // A key that cannot be repaired fails on every pass: log its first failures, then only as attempts
            // double, so that a scheduled repair cannot flood the log with it.
            if (Integer.bitCount(attempt) == 1) {
                log.warn("{}: repair of key {} to {} failed (attempt {}); it stays pending", name(),
                        Printable.of(row.key()), row.targetSide(), attempt, WithheldMessage.of(cause));
            } else {
                log.debug("{}: repair of key {} to {} failed (attempt {}); it stays pending", name(),
                        Printable.of(row.key()), row.targetSide(), attempt, WithheldMessage.of(cause));
            }
            try {
                transactions.runInTransaction(session -> {
                    table.recordFailure(session, ids, error);
                });
            } catch (RuntimeException e) {
                log.warn("{}: could not record the failed repair of key {}", name(), Printable.of(row.key()), e);
            }
        }
    }

    /** Builds a {@link PendingSyncRepair}; {@link #build()} creates the pending-sync table where it is missing. */
    public static final class Builder {

        private final List<Migration<?, ?>> migrations = new ArrayList<>();
        private PendingSyncTable table = PendingSyncTable.defaults();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration minAge = DEFAULT_MIN_AGE;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

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

        /** Rows read per query. Default {@value #DEFAULT_BATCH_SIZE}. */
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

        /** Default: Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        public PendingSyncRepair build() {
            return new PendingSyncRepair(this);
        }
    }
}
