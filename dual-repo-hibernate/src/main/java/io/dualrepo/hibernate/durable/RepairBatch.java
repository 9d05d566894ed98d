package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a page of pending keys in one direction with a few transactions for all of them, where the per-key sync
 * ({@link KeySync}, under {@link CopiesOnRead#whileMarked}) takes half a dozen per key. Each step keeps the
 * per-key sync's order, for every key of the batch:
 *
 * <ol>
 *   <li>A lease on each key, committed in the source's database before anything is read: a copy marker ({@link
 *       RepairLeases#take}). Writes to the keys wait for it ({@link EarlierWrites}) as for any copy's,
 *       and another instance's repair leaves the keys alone while it is young, so instances share the pending keys
 *       instead of each syncing all of them.
 *   <li>In one transaction of the target: the source's values read ({@link KeyedModel#findAll}), inside it, after it
 *       began; the target's read; each key that differs written; then, with the written rows held, the vetoes asked
 *       (a write with the target as the primary that landed at a key meanwhile) and the source read again. A key
 *       vetoed or whose source moved rolls the whole transaction back: it goes to the per-key path, and the rest is
 *       tried again.
 *   <li>In one transaction of the source's database: both sides read again after the commit, a key they disagree
 *       on (a target that does not store what it is given, or a write since) left to the per-key path, which
 *       retries it or counts it failed; the other keys' pending rows the page read and the leases deleted.
 * </ol>
 *
 * <p>Any other failure of the batch (a value the target refuses, a lost connection) sends the keys not yet done to
 * the per-key path, which isolates the key at fault, counts its failure and keeps its rows. A process that dies
 * anywhere leaves rows the next pass syncs again (a sync twice is still right) and leases that writes stop waiting
 * for and the repair takes over once they are {@link CrossDatabaseScope#IN_FLIGHT_GRACE} old.
 *
 * <p><b>How long a key is held.</b> Writes to a leased key wait for its lease, bounded at {@value
 * EarlierWrites#WAIT_MILLIS} ms. The writing loop stops taking keys once {@value #HOLD_BUDGET_MILLIS} ms have passed
 * (checked after each {@value #WRITES_PER_STATEMENT_BATCH} keys' writes); the keys it did not reach are leased and
 * synced again in a later transaction. So a key is held for at most that budget and a
 * handful of statements (the vetoes, the second read, a commit, the read after it, the clearing), whatever the batch
 * size. A write whose wait runs out anyway goes on: if it committed in the source before the second read, the batch
 * rolls back; after it, its write to the target waits for the batch's row lock and lands after the batch's.
 */
final class RepairBatch<K extends Comparable<? super K>, V> {

    private static final Logger log = LoggerFactory.getLogger(PendingSyncRepair.class);
    static final long HOLD_BUDGET_MILLIS = 200;
    /** Values handed to {@link KeyedModel#putAll} at once: the hold budget is checked between such writes. */
    private static final int WRITES_PER_STATEMENT_BATCH = 500;
    /** Roll-backs of a batch's transactions before the keys still left go to the per-key path. */
    private static final int MAX_ROLLBACKS = 3;

    /** What a batch did: the keys synced (rows cleared), and those left to the per-key path. */
    record Outcome(Map<String, Integer> synced, Set<String> perKey, Set<String> leasedElsewhere) {}

    private final KeySync<K, V> sync;
    private final Migration<K, V> migration;
    private final PendingSyncTable table;

    RepairBatch(KeySync<K, V> sync, PendingSyncTable table) {
        this.sync = sync;
        this.migration = sync.migration();
        this.table = table;
    }

    /**
     * Syncs {@code rowsByKey}'s keys to {@code target}; their rows, each with {@code target} as its target side, are
     * in the source's database.
     *
     * @return per synced key how many rows were cleared; the keys the caller must sync one by one
     */
    Outcome sync(Side target, Map<String, List<Long>> rowsByKey) {
        Side source = target.other();
        Transactions sourceTransactions = migration.model(source).transactions();
        Transactions targetTransactions = migration.model(target).transactions();
        Map<String, Integer> synced = new LinkedHashMap<>();
        Set<String> perKey = new LinkedHashSet<>();
        Set<String> leasedElsewhere = new LinkedHashSet<>();
        // A key a write with the target as the primary waits at too is weighed both ways: the per-key path does.
        for (PendingSyncTable.Row row : targetTransactions.read(session ->
                table.rowsOfKeys(session, migration.name(), rowsByKey.keySet()))) {
            if (row.targetSide().equals(source.name())) {
                perKey.add(row.key());
            }
        }
        List<String> remaining = new ArrayList<>();
        for (String key : rowsByKey.keySet()) {
            if (!perKey.contains(key)) {
                remaining.add(key);
            }
        }
        int rolledBack = 0;
        // Each transaction either syncs at least one key or rolls back: keys deferred by the hold budget cost no
        // attempt, roll-backs do.
        while (!remaining.isEmpty() && rolledBack < MAX_ROLLBACKS) {
            List<String> keys = remaining;
            String lease = RepairLeases.REPAIR_LEASE + " " + UUID.randomUUID();
            List<String> leased = sourceTransactions.inTransaction(session -> table.leases().take(session,
                    migration.name(), keys, target, Instant.now().minus(CrossDatabaseScope.IN_FLIGHT_GRACE), lease));
            Set<String> mine = new HashSet<>(leased);
            for (String key : keys) {
                if (!mine.contains(key)) {
                    leasedElsewhere.add(key);
                }
            }
            boolean leasesDeleted = false;
            try {
                Round round = round(source, target, leased);
                if (!round.aborted.isEmpty()) {
                    rolledBack++;
                }
                perKey.addAll(round.aborted);
                // The read after the commit and the clearing in one transaction of the source's database (its
                // reads join it; where both models share that database, a begin and a commit fewer per batch): the
                // rows go only for keys this transaction read both models to agree on.
                Set<String> agreed = sourceTransactions.inTransaction(session -> {
                    // Lost in a crash, this commit only brings back rows of keys both models were just read to
                    // agree on, and leases that age out: the next pass syncs the keys again, which changes nothing.
                    // It cannot outlive what it relies on: the round committed durably before it, and a database
                    // keeps no WAL record without the earlier ones.
                    PendingSyncTable.commitWithoutFlush(session);
                    Set<String> agreeing = agreeing(source, round.done, perKey);
                    List<Long> clear = new ArrayList<>();
                    for (String key : agreeing) {
                        clear.addAll(Objects.requireNonNull(rowsByKey.get(key), "a batch key's rows"));
                    }
                    table.delete(session, clear);
                    table.leases().release(session, migration.name(), lease, leased);
                    return agreeing;
                });
                leasesDeleted = true;
                for (String key : agreed) {
                    synced.put(key, Objects.requireNonNull(rowsByKey.get(key), "a batch key's rows").size());
                }
                remaining = round.deferred;
                remaining.addAll(round.retry);
            } catch (RuntimeException e) {
                // The key at fault is found by the per-key path, which counts its failure; the others sync there.
                log.debug("{}: a repair batch of {} key(s) failed; its keys are synced one by one", migration.name(),
                        leased.size(), WithheldMessage.of(e));
                for (String key : leased) {
                    if (!synced.containsKey(key)) {
                        perKey.add(key);
                    }
                }
                remaining = List.of();
            } finally {
                if (!leasesDeleted) {
                    releaseLease(sourceTransactions, lease, leased);
                }
            }
        }
        perKey.addAll(remaining);
        return new Outcome(synced, perKey, leasedElsewhere);
    }

    /** What one transaction did: keys committed in sync, keys for the per-key path, keys for the next one. */
    private record Round(List<String> done, Set<String> aborted, List<String> deferred, List<String> retry) {}

    /** Thrown inside the target's transaction to roll it back. */
    private static final class Abort extends RuntimeException {
        final Set<String> keys;

        Abort(Set<String> keys) {
            super("keys changed under the batch", null, false, false);
            this.keys = keys;
        }
    }

    private Round round(Side source, Side target, List<String> keys) {
        if (keys.isEmpty()) {
            return new Round(List.of(), Set.of(), new ArrayList<>(), List.of());
        }
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(target);
        boolean oneDatabase = from.transactions().sessionFactory() == to.transactions().sessionFactory();
        Map<K, String> encoded = new LinkedHashMap<>();
        for (String key : keys) {
            encoded.put(migration.keyType().decode(key), key);
        }
        try {
            return to.transactions().inTransaction(session -> {
                // Read after the target's transaction began, as KeySync does: never older than the write of it.
                Map<K, V> wanted = from.transactions().read(sourceSession ->
                        from.findAll(sourceSession, encoded.keySet()));
                Map<K, V> held = to.findAll(session, encoded.keySet());
                // The budget is the writes': a row written is held until the commit, each read is one query.
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_BUDGET_MILLIS);
                List<String> done = new ArrayList<>();
                List<String> deferred = new ArrayList<>();
                Map<K, V> written = new LinkedHashMap<>();
                Set<K> removed = new HashSet<>();
                List<V> toPut = new ArrayList<>();
                for (Map.Entry<K, String> key : encoded.entrySet()) {
                    if (!done.isEmpty() && System.nanoTime() > deadline) {
                        deferred.add(key.getValue());
                        continue;
                    }
                    V value = wanted.get(key.getKey());
                    V there = held.get(key.getKey());
                    if (value == null) {
                        if (there != null) {
                            to.remove(session, key.getKey());
                            removed.add(key.getKey());
                        }
                    } else if (there == null || !sync.inSync(source, value, there)) {
                        written.put(key.getKey(), value);
                        toPut.add(value);
                    }
                    done.add(key.getValue());
                    if (toPut.size() >= WRITES_PER_STATEMENT_BATCH) {
                        to.putAll(session, toPut);
                        toPut.clear();
                    }
                }
                to.putAll(session, toPut);
                // Flushed, so that the writes hold their rows: a write racing them has committed, and is seen
                // below, or waits for this transaction.
                session.flush();
                Set<String> changed = vetoed(session, source, written.keySet(), removed, encoded);
                if (oneDatabase) {
                    // The source is read through this session: not from what its persistence context holds.
                    session.clear();
                }
                Set<K> touched = new LinkedHashSet<>(written.keySet());
                touched.addAll(removed);
                Map<K, V> now = from.transactions().read(sourceSession -> from.findAll(sourceSession, touched));
                for (K key : touched) {
                    V before = written.get(key);
                    V after = now.get(key);
                    boolean same = before == null || after == null ? before == after : sync.unchanged(before, after);
                    if (!same) {
                        changed.add(encoded.get(key));
                    }
                }
                if (!changed.isEmpty()) {
                    throw new Abort(changed);
                }
                return new Round(done, Set.of(), deferred, List.of());
            });
        } catch (Abort abort) {
            // Rolled back, nothing committed: those keys go one by one, the others into the next transaction.
            List<String> retry = new ArrayList<>();
            for (String key : keys) {
                if (!abort.keys.contains(key)) {
                    retry.add(key);
                }
            }
            return new Round(List.of(), abort.keys, new ArrayList<>(), retry);
        }
    }

    /** The written keys at which a write with the target as the primary left a row: the per-key path weighs them. */
    private Set<String> vetoed(Session targetSession, Side source, Set<K> written, Set<K> removed,
            Map<K, String> encoded) {
        Set<String> keys = new LinkedHashSet<>();
        for (K key : written) {
            keys.add(encoded.get(key));
        }
        for (K key : removed) {
            keys.add(encoded.get(key));
        }
        Set<String> vetoed = new LinkedHashSet<>();
        if (keys.isEmpty()) {
            return vetoed;
        }
        for (PendingSyncTable.Row row : table.rowsOfKeys(targetSession, migration.name(), keys)) {
            if (row.targetSide().equals(source.name())) {
                vetoed.add(row.key());
            }
        }
        return vetoed;
    }

    /** Of {@code keys}, those both models agree on now: both read in one transaction where they share a database. */
    private Set<String> agreeing(Side source, Collection<String> keys, Set<String> perKey) {
        Set<String> agreed = new LinkedHashSet<>();
        if (keys.isEmpty()) {
            return agreed;
        }
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(source.other());
        Map<K, String> encoded = new LinkedHashMap<>();
        for (String key : keys) {
            encoded.put(migration.keyType().decode(key), key);
        }
        // The target's read joins the source's transaction in one database (a begin and commit fewer per batch;
        // only inTransaction is joined, and it writes nothing here); across two it runs in its own, as before.
        List<Map<K, V>> read = from.transactions().inTransaction(session -> List.of(
                from.findAll(session, encoded.keySet()),
                to.transactions().read(targetSession -> to.findAll(targetSession, encoded.keySet()))));
        Map<K, V> wanted = read.get(0);
        Map<K, V> held = read.get(1);
        for (Map.Entry<K, String> key : encoded.entrySet()) {
            V value = wanted.get(key.getKey());
            V there = held.get(key.getKey());
            boolean same = value == null || there == null ? value == there : sync.inSync(source, value, there);
            (same ? agreed : perKey).add(key.getValue());
        }
        return agreed;
    }

    private void releaseLease(Transactions sourceTransactions, String lease, List<String> keys) {
        try {
            sourceTransactions.runInTransaction(session -> {
                table.leases().release(session, migration.name(), lease, keys);
            });
        } catch (RuntimeException e) {
            // Writes to the keys stop waiting for them once they age; the repair then syncs the keys again.
            log.warn("{}: could not remove the repair's lease on {} key(s) from {}", migration.name(), keys.size(),
                    table, WithheldMessage.of(e));
        }
    }
}
