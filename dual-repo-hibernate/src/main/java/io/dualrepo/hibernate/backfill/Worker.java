package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.backfill.LeaseStore.Checkpoint;
import io.dualrepo.hibernate.backfill.LeaseStore.Lease;
import io.dualrepo.hibernate.backfill.LeaseStore.Totals;
import io.dualrepo.hibernate.durable.KeySync;
import io.dualrepo.internal.WithheldMessage;
// An internal package of dual-repo-core, used on purpose, as KeySync does: "the old model changed this value" must
// mean what the comparison and the verifier mean by "differs".
import io.dualrepo.internal.compare.CompareOptions;
import io.dualrepo.internal.compare.StructuralComparator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@link Backfill#run()} that copies: the claim, copy, check loop the class javadoc of {@link Backfill} describes. */
final class Worker<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final Backfill<K, V> config;
    private final String job;
    private final KeyedModel<K, V> oldModel;
    private final KeyedModel<K, V> newModel;
    private final KeyType<K> keyType;
    private final LeaseStore store;
    private final Pacer pacer;
    private final ProgressReporter progress;
    private final KeySync<K, V> sync;
    private final StructuralComparator comparator = new StructuralComparator(CompareOptions.defaults());
    private final long startNanos = System.nanoTime();

    private long scanned;
    private long written;
    private long removed;
    private long batches;

    Worker(Backfill<K, V> config, ProgressReporter progress) {
        this.config = config;
        this.job = config.job;
        this.oldModel = config.migration.oldModel();
        this.newModel = config.migration.newModel();
        this.keyType = config.migration.keyType();
        this.store = new LeaseStore(job, config.clock, config.leaseDuration);
        this.pacer = new Pacer(config.rowsPerSecond);
        this.progress = progress;
        this.sync = KeySync.of(config.migration);
    }

    /**
     * A batch written and not yet checked: how many rows its range held, the values it inserted by key (for a batch
     * taken over after its copy, what the new model holds in its range), and how many rows that wrote.
     */
    private record Copied<K, V>(Lease lease, int rows, Map<K, V> inserted, long written) {}

    private sealed interface Claim permits Fresh, Expired, Wait, Finished {}

    private record Fresh<V>(Lease lease, List<V> values) implements Claim {}

    private record Expired(Lease lease, String previousOwner) implements Claim {}

    private record Wait() implements Claim {}

    private record Finished(Totals totals) implements Claim {}

    BackfillResult run() {
        prepare();
        if (config.restart) {
            inNew(session -> {
                store.restart(session);
                return null;
            });
            LOG.info("backfill {}: restarted from the first key; its checkpoint and leases were cleared", job);
        }
        int own = inNew(session -> store.expireOwnedBy(session, config.workerId));
        Checkpoint checkpoint = inNew(store::checkpoint);
        if (checkpoint.finished()) {
            LOG.info("backfill {}: already finished, nothing to do (restart() scans from the first key again)", job);
            return result(true);
        }
        Totals before = inNew(store::totals);
        long total = oldModel.transactions().read(oldModel::estimateCount);
        progress.start(before, total);
        LOG.info("backfill {}: worker {} starting {}; {} rows done before, about {} in all; batches of {}, {}{}", job,
                config.workerId, checkpoint.lastKey() == null ? "at the first key"
                        : "after key '" + checkpoint.lastKey() + "'", before.done(), total < 0 ? "?" : total,
                config.batchSize, Double.isInfinite(config.rowsPerSecond) ? "no rate limit"
                        : "at most " + config.rowsPerSecond + " rows/s",
                own > 0 ? "; taking back " + own + " unfinished batches of its own" : "");

        Copied<K, V> unchecked = null;
        boolean finished = false;
        try {
            while (!Thread.currentThread().isInterrupted() && pacer.awaitTurn()) {
                if (progress.refreshDue()) {
                    progress.refresh(inNew(store::totals));
                }
                Claim claim = claim();
                if (claim instanceof Fresh<?> fresh) {
                    @SuppressWarnings("unchecked")
                    List<V> values = (List<V>) fresh.values();
                    Copied<K, V> copied = copy(fresh.lease(), values);
                    pacer.consumed(values.size());
                    // The previous batch is checked only now: see "Deletes racing the copy" in Backfill.
                    unchecked = checkThen(unchecked, copied);
                } else if (claim instanceof Expired expired) {
                    unchecked = takeOver(expired.lease(), expired.previousOwner(), unchecked);
                } else if (claim instanceof Wait) {
                    if (unchecked != null) {
                        check(unchecked);
                        unchecked = null;
                    } else if (!sleep(config.pollInterval)) {
                        break;
                    }
                } else if (claim instanceof Finished done) {
                    progress.finished(done.totals());
                    finished = true;
                    break;
                }
            }
            if (!finished) {
                // Interrupted: finish the batch in hand, so that the next run need not check it again.
                boolean interrupted = Thread.interrupted();
                try {
                    if (unchecked != null) {
                        check(unchecked);
                    }
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                progress.stopped();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("backfill {}: worker {} failed after {} batches ({} rows copied, {} written); the next run"
                    + " resumes after the last committed batch", job, config.workerId, batches, scanned, written,
                    WithheldMessage.of(e));
            throw e;
        }
        BackfillResult result = result(finished);
        LOG.info("{}", result);
        return result;
    }

    private void prepare() {
        if (!inNew(store::tablesExist)) {
            LOG.info("backfill {}: creating its tables {} and {}", job, LeaseStore.CHECKPOINT_TABLE,
                    LeaseStore.LEASE_TABLE);
            inNew(session -> {
                store.createTables(session);
                return null;
            }, 1);
        }
        try {
            inNew(session -> {
                store.probeSkipLocked(session);
                return null;
            });
        } catch (RuntimeException unsupported) {
            LOG.info("backfill {}: this database does not take 'for update skip locked'; claims wait for each other's"
                    + " lease rows instead", job);
            store.skipLocked(false);
        }
        inNew(session -> {
            store.createCheckpoint(session);
            return null;
        }, 1);
    }

    private Claim claim() {
        return retrying("claiming a batch", () -> inNew(session -> {
            Checkpoint checkpoint = store.lockCheckpoint(session);
            if (checkpoint.finished()) {
                return new Finished(store.totals(session));
            }
            Optional<Lease> expired = store.lockExpired(session);
            if (expired.isPresent()) {
                return new Expired(store.takeOver(session, expired.get(), config.workerId, token()),
                        expired.get().owner());
            }
            K after = checkpoint.lastKey() == null ? null : keyType.decode(checkpoint.lastKey());
            List<V> page = oldModel.transactions().read(old -> oldModel.page(old, after, config.batchSize));
            if (!page.isEmpty()) {
                K last = checkOrder(page, after);
                return new Fresh<>(store.claim(session, checkpoint, keyType.encode(last), config.workerId, token()),
                        page);
            }
            if (store.anyOpen(session)) {
                return new Wait();
            }
            Totals totals = store.totals(session);
            store.finish(session, totals);
            return new Finished(totals);
        }));
    }

    /** A lease another worker (or this one, before a restart) left open: redo what is missing of it. */
    private Copied<K, V> takeOver(Lease lease, String previousOwner, Copied<K, V> unchecked) {
        LOG.info("backfill {}: {} batch {} (keys {}), {}", job,
                previousOwner.equals(config.workerId) ? "taking back its own unfinished"
                        : "taking over from worker " + previousOwner + ", whose lease expired,",
                lease.seq(), range(lease), LeaseStore.ACTIVE.equals(lease.status())
                        ? "which it copies again: nothing of it had committed"
                        : "which was copied and waits for its check");
        K start = lease.startKey() == null ? null : keyType.decode(lease.startKey());
        K end = keyType.decode(lease.endKey());
        if (LeaseStore.ACTIVE.equals(lease.status())) {
            // Nothing of it committed: copy it again, as if freshly claimed.
            List<V> values = readRange(oldModel, start, end, config.batchSize);
            Copied<K, V> copied = copy(lease, values);
            pacer.consumed(values.size());
            return checkThen(unchecked, copied);
        }
        // Copied long ago (its lease had time to expire), so no need to wait before the check. Which keys the
        // dead worker inserted is not known: check every key the new model holds in the range.
        // What the dead worker read before inserting is not known either: the check compares the old model's values
        // with the new model's instead.
        Map<K, V> held = new LinkedHashMap<>();
        for (V value : readRange(newModel, start, end, config.batchSize)) {
            held.put(newModel.keyOf(value), value);
        }
        check(new Copied<>(lease, held.size(), held, 0));
        return unchecked;
    }

    private Copied<K, V> checkThen(Copied<K, V> previous, Copied<K, V> next) {
        if (previous != null) {
            check(previous);
        }
        return next;
    }

    /**
     * Inserts the batch's rows the new model lacks and marks the lease copied, in one transaction; a conflict
     * retries the whole, which reads the new model again. Null when the lease was taken over meanwhile.
     */
    private Copied<K, V> copy(Lease lease, List<V> values) {
        List<K> keys = new ArrayList<>(values.size());
        for (V value : values) {
            keys.add(oldModel.keyOf(value));
        }
        try {
            Copied<K, V> copied = retrying("copying batch " + lease.seq(), () -> inNew(session -> {
                Set<K> held = keys.isEmpty() ? Set.of() : newModel.present(session, keys);
                List<V> absent = new ArrayList<>();
                Map<K, V> absentByKey = new LinkedHashMap<>();
                for (int i = 0; i < values.size(); i++) {
                    if (!held.contains(keys.get(i))) {
                        absent.add(values.get(i));
                        absentByKey.put(keys.get(i), values.get(i));
                    }
                }
                int inserted = absent.isEmpty() ? 0 : newModel.insertAbsent(session, absent);
                // Now, so that a unique violation fails here and retries, not in the lease update.
                session.flush();
                if (!store.markCopied(session, lease, values.size(), inserted)) {
                    throw new LeaseLost();
                }
                return new Copied<>(lease, values.size(), absentByKey, inserted);
            }));
            scanned += values.size();
            written += copied.written();
            batches++;
            progress.copied(values.size(), copied.written());
            return copied;
        } catch (LeaseLost lost) {
            LOG.info("backfill {}: batch {} (keys {}) was taken over by another worker after its lease expired;"
                    + " leaving it to that worker", job, lease.seq(), range(lease));
            return null;
        }
    }

    /**
     * The check of a copied batch (see "Deletes racing the copy" and "Updates racing the copy" in {@link Backfill}):
     * reads the old model's values in the batch's range again, re-syncs the inserted keys whose old value changed
     * since it was read, removes again those the old model no longer holds, and marks the lease done, in one
     * transaction with the removals.
     */
    private void check(Copied<K, V> copied) {
        if (copied == null) {
            return;
        }
        Lease lease = copied.lease();
        Set<K> gone = new HashSet<>();
        List<K> changed = new ArrayList<>();
        if (!copied.inserted().isEmpty()) {
            // One range read: one row more than the range held when it was read takes the read past the range's
            // end; only keys a dual write created inside the range meanwhile can make it take a second page.
            Map<K, V> now = new HashMap<>();
            for (V value : readRange(oldModel, decode(lease.startKey()), keyType.decode(lease.endKey()),
                    copied.rows() + 1)) {
                now.put(oldModel.keyOf(value), value);
            }
            for (Map.Entry<K, V> entry : copied.inserted().entrySet()) {
                V current = now.get(entry.getKey());
                if (current == null) {
                    gone.add(entry.getKey());
                } else if (!same(current, entry.getValue())) {
                    changed.add(entry.getKey());
                }
            }
        }
        resync(lease, changed);
        try {
            while (true) {
                Set<K> candidates = Set.copyOf(gone);
                try {
                    long count = retrying("checking batch " + lease.seq() + " for deletes", () -> inNew(session -> {
                        Set<K> held = candidates.isEmpty() ? Set.of() : newModel.present(session, candidates);
                        for (K key : held) {
                            newModel.remove(session, key);
                        }
                        session.flush();
                        if (!held.isEmpty()) {
                            // Our delete now holds these rows. A dual write that put a key back in the old model
                            // has committed there before touching the new one: seen here, the key is kept; not
                            // seen, its new-model write comes after ours and conflicts with it or finds no row.
                            Set<K> back = oldModel.transactions().read(old -> oldModel.present(old, held));
                            if (!back.isEmpty()) {
                                throw new PutBack(back);
                            }
                        }
                        if (!store.markDone(session, lease, held.size())) {
                            throw new LeaseLost();
                        }
                        return (long) held.size();
                    }));
                    if (count > 0) {
                        LOG.info("backfill {}: removed {} rows of batch {} from the new model again: a dual write"
                                + " deleted them while they were being copied", job, count, lease.seq());
                    }
                    removed += count;
                    progress.removed(count);
                    return;
                } catch (PutBack putBack) {
                    gone.removeAll(putBack.keys);
                }
            }
        } catch (LeaseLost lost) {
            LOG.info("backfill {}: batch {} (keys {}) was taken over by another worker before its check;"
                    + " leaving the check to that worker", job, lease.seq(), range(lease));
        }
    }

    /**
     * Brings the new model up to the old model's current value at each key, key by key ({@link KeySync}, as the
     * pending-sync repair does): these are keys a dual write changed in the old model while the batch was copied,
     * whose write to the new model may have found no row to change.
     */
    private void resync(Lease lease, List<K> keys) {
        long written = 0;
        for (K key : keys) {
            KeySync.Outcome outcome = retrying("re-syncing a key of batch " + lease.seq(), () -> sync.sync(Side.OLD,
                    key));
            if (outcome != KeySync.Outcome.IN_SYNC) {
                written++;
            }
        }
        if (written > 0) {
            LOG.info("backfill {}: re-synced {} rows of batch {} from the old model: a dual write changed them while"
                    + " they were being copied", job, written, lease.seq());
        }
    }

    /** Whether two values of a key are the same; equals() first, as most domain values are records. */
    private boolean same(V oldValue, V newValue) {
        return Objects.equals(oldValue, newValue) || comparator.equivalent(oldValue, newValue);
    }

    private K decode(String key) {
        return key == null ? null : keyType.decode(key);
    }

    /** The values of a model with keys after {@code start} through {@code end}, {@code limit} per page. */
    private List<V> readRange(KeyedModel<K, V> model, K start, K end, int limit) {
        List<V> values = new ArrayList<>();
        K after = start;
        while (true) {
            K from = after;
            List<V> page = model.transactions().read(session -> model.page(session, from, limit));
            for (V value : page) {
                if (model.keyOf(value).compareTo(end) > 0) {
                    return values;
                }
                values.add(value);
            }
            if (page.size() < limit) {
                return values;
            }
            after = model.keyOf(page.get(page.size() - 1));
        }
    }

    /** The page's last key, after making sure the page is in key order: the checkpoint relies on it. */
    private K checkOrder(List<V> page, K after) {
        K previous = after;
        for (V value : page) {
            K key = oldModel.keyOf(value);
            if (previous != null && key.compareTo(previous) <= 0) {
                throw new IllegalStateException("backfill " + job + ": the old model's page() returned key '"
                        + keyType.encode(key) + "' after '" + keyType.encode(previous) + "'; pages must be in"
                        + " ascending key order (on PostgreSQL, order text keys by the key collate \"C\")");
            }
            previous = key;
        }
        return previous;
    }

    private <R> R retrying(String what, Supplier<R> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (!Conflicts.isConflict(e) || attempt > config.maxRetries) {
                    throw e;
                }
                progress.retried();
                LOG.info("backfill {}: {} ran into a concurrent write ({}); trying again ({} of {})", job, what,
                        WithheldMessage.describe(e), attempt, config.maxRetries);
                if (!sleep(Duration.ofMillis(Math.min(1000, 10L << attempt)))) {
                    throw e;
                }
            }
        }
    }

    private <R> R inNew(Function<Session, R> work) {
        return newModel.transactions().inTransaction(work);
    }

    /** For set-up statements two workers may race on: one more try after the other one's commit. */
    private <R> R inNew(Function<Session, R> work, int retries) {
        try {
            return inNew(work);
        } catch (RuntimeException e) {
            if (retries == 0) {
                throw e;
            }
            LOG.debug("backfill {}: set-up raced another worker, trying again", job, e);
            return inNew(work, retries - 1);
        }
    }

    private BackfillResult result(boolean finished) {
        return new BackfillResult(job, false, finished, scanned, written, removed, batches,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private String range(Lease lease) {
        return (lease.startKey() == null ? "from the first" : "after '" + lease.startKey() + "'") + " through '"
                + lease.endKey() + "'";
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private static boolean sleep(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The lease is no longer this worker's: its token changed. Rolls the transaction back. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /** Keys a dual write put back in the old model before the removal committed. Rolls the removal back. */
    private static final class PutBack extends RuntimeException {
        final Collection<?> keys;

        PutBack(Collection<?> keys) {
            super(null, null, false, false);
            this.keys = keys;
        }
    }
}
