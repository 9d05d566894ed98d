package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.HibernateMeters;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One migration's share of a {@link PendingSyncRepair} pass: its rows in each database, its meters, its sync.
 *
 * <p><b>A key waiting both ways.</b> A write missed NEW while OLD was the primary (a row in OLD's database, target
 * NEW); the routes then made NEW the primary and a write to the same key missed OLD (a row in NEW's database, target
 * OLD). Syncing each row's direction in turn copies whichever the pass reads first over the other and then back, so
 * both models end up agreeing on the older value. Such a key is synced once, in the direction of its newest row,
 * and its rows in both databases are cleared. The newest row's primary holds the latest acknowledged write: any
 * later write either reached both models (then both hold it, whichever way the sync goes) or left a newer row.
 * The other direction's rows count whatever their age, since a newer write whose row is too young for this pass
 * ({@code minAge}) still outranks an older one. A key synced one way is checked again inside the sync's own
 * transaction, before it commits: a write with the sync's target as the primary that landed meanwhile (the routes
 * changed under the repair) would otherwise be overwritten with the older value, so the sync rolls back and the key
 * is weighed both ways. Looking for the other direction costs one indexed query per key.
 *
 * <p>Why {@code created_at} and not a sequence: the rows live in two databases, and no sequence spans both without a
 * write to a third place on every dual write. The limits: {@code created_at} is the clock of the instance that
 * wrote the row, read when the primary wrote, not when its transaction committed. Two writes to one key closer
 * together than the instances' clocks are apart (NTP keeps them within milliseconds), or a caller's transaction
 * held open across the other write, can be ordered wrongly; two instances writing one key with different primaries
 * while a route change propagates have no order at all. Equal times (both databases keep microseconds) go to NEW:
 * routes move towards NEW far more often than back, and NEW is where the migration ends. The verifier reports a key
 * left wrong, and a route change that first waits for {@link PendingSyncTable#pendingCount} to reach zero never
 * creates one.
 *
 * <p><b>A value the target rejects.</b> A sync that fails on a row error ({@link Quarantine#isRowError}: the
 * conversion threw, or the target's database refused the value with a data exception or an integrity violation) is
 * also recorded in the quarantine table of the target's database, with the backfill's rejections, so that one table
 * lists every row a model refuses. The key's pending rows stay all the same: they are what keeps reads off the model
 * that misses the key (the route guard counts them) and what brings it up to date once the value can be stored. So
 * a pending row is deleted only when its key was synced, as before, and a synced key leaves the quarantine too.
 */
final class RepositoryRepair<K extends Comparable<? super K>> {

    private static final Logger log = LoggerFactory.getLogger(PendingSyncRepair.class);

    /** What one pass did for one repository. */
    static final class Pass {
        long synced;
        long failed;
        long rejected;
        long cleared;
        long stillPending;
    }

    /** A pending row and the database whose table holds it. */
    private record Located(SessionFactory database, PendingSyncTable.Row row) {}

    private final Migration<K, ?> migration;
    private final KeySync<K, ?> sync;
    private final PendingSyncTable table;
    private final int batchSize;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> oldestPending = new AtomicReference<>();
    private final Map<Side, Counter> repaired = new EnumMap<>(Side.class);
    private final Map<Side, Counter> failures = new EnumMap<>(Side.class);
    private final Map<Side, Counter> rejections = new EnumMap<>(Side.class);
    private final RepairBatch<K, ?> batch;
    private final RepairProgress progress;

    RepositoryRepair(Migration<K, ?> migration, PendingSyncTable table, int batchSize, Duration logInterval,
            MeterRegistry registry) {
        this.migration = migration;
        this.sync = KeySync.of(migration);
        this.table = table;
        this.batchSize = batchSize;
        this.batch = new RepairBatch<>(KeySync.of(migration), table);
        this.progress = new RepairProgress(migration.name(), logInterval, registry);
        Gauge.builder(HibernateMeters.SYNC_PENDING.meterName(), pending, AtomicLong::get)
                .description(HibernateMeters.SYNC_PENDING.description())
                .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                .register(registry);
        // The age is taken when the gauge is read, so it keeps growing while the repair is stuck or stopped.
        TimeGauge.builder(HibernateMeters.SYNC_PENDING_OLDEST.meterName(), oldestPending, TimeUnit.SECONDS,
                        RepositoryRepair::ageSeconds)
                .description(HibernateMeters.SYNC_PENDING_OLDEST.description())
                .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                .register(registry);
        for (Side side : Side.values()) {
            repaired.put(side, Counter.builder(HibernateMeters.SYNC_REPAIRED.meterName())
                    .description(HibernateMeters.SYNC_REPAIRED.description())
                    .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                    .tag(SyncMetrics.TAG_SIDE, side.tag())
                    .register(registry));
            failures.put(side, Counter.builder(HibernateMeters.SYNC_REPAIR_FAILURES.meterName())
                    .description(HibernateMeters.SYNC_REPAIR_FAILURES.description())
                    .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                    .tag(SyncMetrics.TAG_SIDE, side.tag())
                    .register(registry));
            rejections.put(side, Counter.builder(HibernateMeters.SYNC_REPAIR_REJECTED.meterName())
                    .description(HibernateMeters.SYNC_REPAIR_REJECTED.description())
                    .tag(SyncMetrics.TAG_REPOSITORY, migration.name())
                    .tag(SyncMetrics.TAG_SIDE, side.tag())
                    .register(registry));
        }
    }

    private static double ageSeconds(AtomicReference<Instant> oldest) {
        Instant since = oldest.get();
        if (since == null) {
            return 0;
        }
        // A row written by an instance whose clock runs ahead is not waiting for a negative time.
        Duration age = Duration.between(since, Instant.now());
        return age.isNegative() ? 0 : age.toNanos() / 1e9;
    }

    String name() {
        return migration.name();
    }

    /** Each database once, also when both models share one. */
    List<SessionFactory> databases() {
        Map<SessionFactory, Boolean> distinct = new IdentityHashMap<>();
        List<SessionFactory> databases = new ArrayList<>();
        for (Side side : Side.values()) {
            if (distinct.put(database(side), Boolean.TRUE) == null) {
                databases.add(database(side));
            }
        }
        return databases;
    }

    private SessionFactory database(Side side) {
        return migration.model(side).transactions().sessionFactory();
    }

    Pass repair(Instant createdBy) {
        Pass pass = new Pass();
        progress.start(waitingKeys());
        Set<String> syncedBothWays = new HashSet<>();
        Instant oldest = null;
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
                repairBatch(database, rows, pass, syncedBothWays);
            }
            pass.stillPending += transactions.read(session -> table.count(session, name()));
            Optional<Instant> oldestHere = transactions.read(session -> table.oldestPending(session, name()));
            if (oldestHere.isPresent() && (oldest == null || oldestHere.get().isBefore(oldest))) {
                oldest = oldestHere.get();
            }
        }
        progress.finish();
        pending.set(pass.stillPending);
        oldestPending.set(oldest);
        if (pass.synced + pass.failed > 0) {
            log.info("{}: pending-sync repair synced {} key(s), {} failed ({} rejected by the model, in {}), {} still"
                    + " pending", name(), pass.synced, pass.failed, pass.rejected, QuarantineStore.TABLE,
                    pass.stillPending);
        }
        return pass;
    }

    private void repairBatch(SessionFactory database, List<PendingSyncTable.Row> rows, Pass pass,
            Set<String> syncedBothWays) {
        // A key written several times waits in several rows: one sync brings it up to date for all of them.
        Map<String, List<PendingSyncTable.Row>> byKey = new LinkedHashMap<>();
        for (PendingSyncTable.Row row : rows) {
            byKey.computeIfAbsent(row.key(), k -> new ArrayList<>()).add(row);
        }
        // Keys waiting one way only, with their rows in the source's database, go in batches; the others one by one.
        Map<Side, Map<String, List<Located>>> batches = new EnumMap<>(Side.class);
        Map<String, Map<Side, List<Located>>> oneByOne = new LinkedHashMap<>();
        for (Map.Entry<String, List<PendingSyncTable.Row>> sameKey : byKey.entrySet()) {
            String key = sameKey.getKey();
            if (syncedBothWays.contains(key)) {
                // Its rows here were cleared with the other database's; any written since wait for the next pass.
                continue;
            }
            Map<Side, List<Located>> byTarget = new EnumMap<>(Side.class);
            Map<String, List<Located>> unknownTarget = new LinkedHashMap<>();
            for (PendingSyncTable.Row row : sameKey.getValue()) {
                Located located = new Located(database, row);
                if (row.targetSide().equals(Side.OLD.name()) || row.targetSide().equals(Side.NEW.name())) {
                    byTarget.computeIfAbsent(Side.valueOf(row.targetSide()), t -> new ArrayList<>()).add(located);
                } else {
                    unknownTarget.computeIfAbsent(row.targetSide(), t -> new ArrayList<>()).add(located);
                }
            }
            for (List<Located> unknown : unknownTarget.values()) {
                fail(unknown, null, new IllegalArgumentException("unknown target side"), pass);
            }
            Side onlyTarget = byTarget.size() == 1 ? byTarget.keySet().iterator().next() : null;
            if (onlyTarget != null && batchSize > 1 && database(onlyTarget.other()) == database) {
                Side target = onlyTarget;
                batches.computeIfAbsent(target, t -> new LinkedHashMap<>()).put(key, byTarget.get(target));
            } else if (!byTarget.isEmpty()) {
                oneByOne.put(key, byTarget);
            }
        }
        for (Map.Entry<Side, Map<String, List<Located>>> batch : batches.entrySet()) {
            repairInBatch(batch.getKey(), batch.getValue(), pass, oneByOne);
        }
        for (Map.Entry<String, Map<Side, List<Located>>> key : oneByOne.entrySet()) {
            repairKey(key.getKey(), key.getValue(), pass, syncedBothWays);
        }
    }

    /** Syncs keys waiting for {@code target} together ({@link RepairBatch}); those it leaves go to {@code oneByOne}. */
    private void repairInBatch(Side target, Map<String, List<Located>> keys, Pass pass,
            Map<String, Map<Side, List<Located>>> oneByOne) {
        Map<String, List<Long>> ids = new LinkedHashMap<>();
        keys.forEach((key, rows) -> ids.put(key, rows.stream().map(located -> located.row().id()).toList()));
        RepairBatch.Outcome outcome;
        try {
            outcome = batch.sync(target, ids);
        } catch (RuntimeException e) {
            // Its leases could not be taken (the source's database is away): each key is tried, and fails, alone.
            log.debug("{}: a repair batch could not start; its keys are synced one by one", name(),
                    WithheldMessage.of(e));
            outcome = new RepairBatch.Outcome(Map.of(), keys.keySet(), Set.of());
        }
        for (Map.Entry<String, Integer> synced : outcome.synced().entrySet()) {
            pass.synced++;
            pass.cleared += synced.getValue();
            Objects.requireNonNull(repaired.get(target), "counted for both sides").increment();
        }
        release(outcome.synced().keySet(), target);
        for (String key : outcome.perKey()) {
            oneByOne.put(key, Map.of(target, keys.get(key)));
        }
        progress.add(outcome.synced().size());
        if (!outcome.leasedElsewhere().isEmpty()) {
            log.debug("{}: {} key(s) left to another instance's repair, which holds them", name(),
                    outcome.leasedElsewhere().size());
        }
    }

    private void repairKey(String key, Map<Side, List<Located>> byTarget, Pass pass, Set<String> syncedBothWays) {
        List<Located> seen = byTarget.values().stream().flatMap(List::stream).toList();
        Side onlyTarget = byTarget.size() == 1 ? byTarget.keySet().iterator().next() : null;
        long syncedBefore = pass.synced;
        try {
            if (onlyTarget != null && waitingFor(onlyTarget.other(), key).isEmpty()
                    && syncKey(key, onlyTarget, seen, pass)) {
                return;
            }
            syncBothWays(key, pass);
            syncedBothWays.add(key);
        } catch (RuntimeException e) {
            // The other database's table could not be read: the key cannot be weighed, so it waits, as when
            // its sync fails.
            fail(seen, onlyTarget, e, pass);
        } finally {
            progress.add(pass.synced - syncedBefore);
        }
    }

    /** Keys waiting in both directions, for the pass's progress; -1 when a table could not be read. */
    private long waitingKeys() {
        try {
            return table.pendingCount(database(Side.OLD), name(), Side.NEW)
                    + table.pendingCount(database(Side.NEW), name(), Side.OLD);
        } catch (RuntimeException e) {
            // The pass reads the tables again and says what failed; progress only lacks its total.
            return -1;
        }
    }

    /** The rows, in every database, that wait to bring {@code target} up to date at this key, whatever their age. */
    private List<Located> waitingFor(Side target, String key) {
        // Such rows were written with the other side as the primary, in its database.
        SessionFactory database = database(target.other());
        List<PendingSyncTable.Row> rows =
                Transactions.of(database).read(session -> table.rowsOf(session, name(), key));
        List<Located> waiting = new ArrayList<>();
        for (PendingSyncTable.Row row : rows) {
            if (row.targetSide().equals(target.name())) {
                waiting.add(new Located(database, row));
            }
        }
        return waiting;
    }

    private void syncBothWays(String key, Pass pass) {
        List<Located> toOld = waitingFor(Side.OLD, key);
        List<Located> toNew = waitingFor(Side.NEW, key);
        Instant newestToOld = newest(toOld);
        Instant newestToNew = newest(toNew);
        if (newestToOld == null && newestToNew == null) {
            return; // cleared since the page was read, by the dual write or another instance's repair
        }
        Side target = newestToNew != null && (newestToOld == null || newestToNew.isAfter(newestToOld))
                ? Side.NEW
                : Side.OLD;
        List<Located> all = new ArrayList<>(toOld);
        all.addAll(toNew);
        log.debug("{}: key {} waits both ways ({} row(s) for OLD, {} for NEW); its newest write was {}'s", name(),
                Printable.of(key), toOld.size(), toNew.size(), target.other());
        if (!syncKey(key, target, all, pass)) {
            log.debug("{}: key {} was written again with {} as the primary while it was repaired; it waits for the"
                    + " next pass", name(), Printable.of(key), target);
        }
    }

    private static @Nullable Instant newest(List<Located> rows) {
        Instant newest = null;
        for (Located located : rows) {
            Instant createdAt = located.row().createdAt();
            if (newest == null || createdAt.isAfter(newest)) {
                newest = createdAt;
            }
        }
        return newest;
    }

    /**
     * Brings {@code target} up to date from the other side and clears {@code rows}, or records why it could not.
     *
     * @return false, with nothing written and no row touched, when a write with {@code target} as the primary
     *     landed at this key during the sync and left a row the sync did not weigh: the sync would have overwritten
     *     it with the older value. That row is in {@code target}'s database, in the sync's own transaction, so it is
     *     seen before the sync commits (a write not yet committed waits on the sync's row lock and lands after it).
     */
    private boolean syncKey(String key, Side target, List<Located> rows, Pass pass) {
        Side source = target.other();
        SessionFactory targetDatabase = database(target);
        Set<Long> weighed = new HashSet<>();
        for (Located located : rows) {
            if (located.database() == targetDatabase) {
                weighed.add(located.row().id());
            }
        }
        KeySync.Veto newerWriteToTarget = session -> table.rowsOf(session, name(), key).stream()
                .anyMatch(row -> row.targetSide().equals(source.name()) && !weighed.contains(row.id()));
        try {
            // Marked as a copy while it runs, so that a write to the key that commits in the source meanwhile waits
            // for it before writing the target (EarlierWrites): else a round inserting a key the target lacked could
            // commit just after another instance's delete of it returned, unseen by that delete.
            KeySync.Outcome outcome = CopiesOnRead.whileMarked(table, name(), migration.model(source).transactions(),
                    List.of(key), target, () -> sync.sync(source, migration.keyType().decode(key), newerWriteToTarget));
            for (Map.Entry<SessionFactory, List<Long>> inDatabase : idsByDatabase(rows).entrySet()) {
                Transactions.of(inDatabase.getKey()).runInTransaction(session -> {
                    table.delete(session, inDatabase.getValue());
                });
            }
            Objects.requireNonNull(repaired.get(target), "counted for both sides").increment();
            pass.synced++;
            pass.cleared += rows.size();
            log.debug("{}: key {} re-synced to {} ({})", name(), Printable.of(key), target, outcome);
            release(key, target);
        } catch (KeySync.Vetoed vetoed) {
            return false;
        } catch (RuntimeException e) {
            fail(rows, target, e, pass);
        }
        return true;
    }

    private void fail(List<Located> rows, @Nullable Side target, RuntimeException cause, Pass pass) {
        pass.failed++;
        if (target != null) {
            Objects.requireNonNull(failures.get(target), "counted for both sides").increment();
        }
        PendingSyncTable.Row first = rows.get(0).row();
        if (target != null && Quarantine.isRowError(cause)) {
            quarantine(first.key(), target, cause, pass);
        }
        String direction = target != null ? target.name() : first.targetSide();
        int attempt = rows.stream().mapToInt(located -> located.row().attempts()).max().orElse(0) + 1;
        // A key that cannot be repaired fails on every pass: log its first failures, then only as attempts double,
        // so that a scheduled repair cannot flood the log with it; from PERSISTENT_FAILURE_ATTEMPTS on, at ERROR.
        if (Integer.bitCount(attempt) == 1 && attempt >= PendingSyncRepair.PERSISTENT_FAILURE_ATTEMPTS) {
            log.error("{}: repair of key {} to {} has failed {} times; it stays pending until the value it"
                    + " transfers can be stored (last_error in {} names the failure)", name(),
                    Printable.of(first.key()), direction, attempt, table, WithheldMessage.of(cause));
        } else if (Integer.bitCount(attempt) == 1) {
            log.warn("{}: repair of key {} to {} failed (attempt {}); it stays pending", name(),
                    Printable.of(first.key()), direction, attempt, WithheldMessage.of(cause));
        } else {
            log.debug("{}: repair of key {} to {} failed (attempt {}); it stays pending", name(),
                    Printable.of(first.key()), direction, attempt, WithheldMessage.of(cause));
        }
        for (Map.Entry<SessionFactory, List<Long>> inDatabase : idsByDatabase(rows).entrySet()) {
            try {
                Transactions.of(inDatabase.getKey()).runInTransaction(session -> {
                    table.recordFailure(session, inDatabase.getValue(), cause);
                });
            } catch (RuntimeException e) {
                log.warn("{}: could not record the failed repair of key {}", name(), Printable.of(first.key()),
                        WithheldMessage.of(e));
            }
        }
    }

    /** Records in the target's quarantine that it rejected the key's value; the pending rows stay. */
    private void quarantine(String key, Side target, RuntimeException cause, Pass pass) {
        pass.rejected++;
        Objects.requireNonNull(rejections.get(target), "counted for both sides").increment();
        try {
            Transactions.of(database(target)).runInTransaction(session -> {
                QuarantineStore.record(session, name(), target, key, "repair", cause);
            });
        } catch (RuntimeException e) {
            // The pending rows still hold the key: nothing is lost, the next pass records it.
            log.warn("{}: could not record key {} in {}", name(), Printable.of(key), QuarantineStore.TABLE,
                    WithheldMessage.of(e));
        }
    }

    /** Synced keys are no longer ones the target rejects: one transaction for a batch. */
    private void release(Collection<String> keys, Side target) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            Transactions.of(database(target)).runInTransaction(session -> {
                // Usually none is there: one query for the batch, a delete only for those that are.
                for (String key : QuarantineStore.among(session, name(), keys)) {
                    QuarantineStore.remove(session, name(), target, key);
                }
            });
        } catch (RuntimeException e) {
            log.warn("{}: {} key(s) are synced, but could not be taken out of {}", name(), keys.size(),
                    QuarantineStore.TABLE, WithheldMessage.of(e));
        }
    }

    /** A synced key is no longer one the target rejects. */
    private void release(String key, Side target) {
        try {
            Transactions.of(database(target)).runInTransaction(session -> {
                QuarantineStore.remove(session, name(), target, key);
            });
        } catch (RuntimeException e) {
            // Harmless: the backfill's next run, or the next sync of the key, takes it out.
            log.warn("{}: key {} is synced, but could not be taken out of {}", name(), Printable.of(key),
                    QuarantineStore.TABLE, WithheldMessage.of(e));
        }
    }

    private static Map<SessionFactory, List<Long>> idsByDatabase(List<Located> rows) {
        Map<SessionFactory, List<Long>> ids = new IdentityHashMap<>();
        for (Located located : rows) {
            ids.computeIfAbsent(located.database(), database -> new ArrayList<>()).add(located.row().id());
        }
        return ids;
    }
}
