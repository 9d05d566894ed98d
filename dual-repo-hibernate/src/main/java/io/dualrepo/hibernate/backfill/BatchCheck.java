package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.backfill.Rejections.Rejected;
import io.dualrepo.hibernate.durable.KeySync;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Lease;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.CompareOptions;
import io.dualrepo.spi.StructuralDiff;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check that follows a batch's copy, one batch later: the writes that raced the copy (see "Deletes racing the
 * copy" and "Updates racing the copy" in {@link Backfill}).
 */
final class BatchCheck<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    /**
     * A batch written and not yet checked: how many rows its range held, the values it inserted by key (for a batch
     * taken over, what the new model holds in its range), and how many rows that wrote.
     */
    record Copied<K, V>(Lease lease, int rows, Map<K, V> inserted, long written) {}

    private final String job;
    private final KeyedModel<K, V> oldModel;
    private final KeyedModel<K, V> newModel;
    private final KeyType<K> keyType;
    private final LeaseStore store;
    private final KeySync<K, V> sync;
    private final Attempts attempts;
    private final Rejections rejections;
    private final StructuralDiff comparator = StructuralDiff.of(CompareOptions.defaults());

    BatchCheck(Backfill<K, V> config, LeaseStore store, Attempts attempts, Rejections rejections) {
        this.job = config.job;
        this.oldModel = config.migration.oldModel();
        this.newModel = config.migration.newModel();
        this.keyType = config.migration.keyType();
        this.store = store;
        this.sync = KeySync.of(config.migration);
        this.attempts = attempts;
        this.rejections = rejections;
    }

    /**
     * The check of a copied batch (see "Deletes racing the copy" and "Updates racing the copy" in {@link Backfill}):
     * reads the old model's values in the batch's range again, re-syncs the inserted keys whose old value changed
     * since it was read (quarantining those whose new value the new model rejects), removes again those the old model
     * no longer holds, and marks the lease done, in one transaction with the removals. Returns how many rows it
     * removed.
     */
    long check(Copied<K, V> copied) {
        if (copied == null) {
            return 0;
        }
        Lease lease = copied.lease();
        Set<K> gone = new HashSet<>();
        List<K> changed = new ArrayList<>();
        if (!copied.inserted().isEmpty()) {
            // One range read: one row more than the range held when it was read takes the read past the range's
            // end; only keys a dual write created inside the range meanwhile can make it take a second page.
            Map<K, V> now = new HashMap<>();
            for (V value : readRange(oldModel, decode(lease.startKey()), keyType.decode(endKey(lease)),
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
            return removeGone(lease, gone);
        } catch (Worker.LeaseLost lost) {
            LOG.info("backfill {}: batch {} (keys {}) was taken over by another worker before its check;"
                    + " leaving the check to that worker", job, lease.seq(), BackfillException.range(lease.startKey(),
                    lease.endKey()));
            return 0;
        } catch (RuntimeException e) {
            throw failed(lease, null, "checking it for deletes made while it was copied", e);
        }
    }

    /** Removes from the new model the keys a dual write deleted from the old one, and marks the lease done. */
    private long removeGone(Lease lease, Set<K> gone) {
        while (true) {
            Set<K> candidates = Set.copyOf(gone);
            try {
                long count = attempts.retrying("checking batch " + lease.seq() + " for deletes", () -> attempts.inNew(
                        session -> {
                    Set<K> held = candidates.isEmpty() ? Set.of() : newModel.present(session, candidates);
                    for (K key : held) {
                        newModel.remove(session, key);
                    }
                    session.flush();
                    if (!held.isEmpty()) {
                        // Our delete now holds these rows. A dual write that put a key back in the old model has
                        // committed there before touching the new one: seen here, the key is kept; not seen, its
                        // new-model write comes after ours and conflicts with it or finds no row.
                        Set<K> back = oldModel.transactions().read(old -> oldModel.present(old, held));
                        if (!back.isEmpty()) {
                            throw new PutBack(back);
                        }
                    }
                    if (!store.markDone(session, lease, held.size())) {
                        throw new Worker.LeaseLost();
                    }
                    return (long) held.size();
                }));
                if (count > 0) {
                    LOG.info("backfill {}: removed {} rows of batch {} from the new model again: a dual write deleted"
                            + " them while they were being copied", job, count, lease.seq());
                }
                return count;
            } catch (PutBack putBack) {
                gone.removeAll(putBack.keys);
            }
        }
    }

    /**
     * Brings the new model up to the old model's current value at each key, key by key ({@link KeySync}, as the
     * pending-sync repair does): these are keys a dual write changed in the old model while the batch was copied,
     * whose write to the new model may have found no row to change.
     */
    private void resync(Lease lease, List<K> keys) {
        long written = 0;
        List<Rejected> rejected = new ArrayList<>();
        for (K key : keys) {
            KeySync.Outcome outcome;
            try {
                outcome = attempts.retrying("re-syncing a key of batch " + lease.seq(),
                        () -> sync.sync(Side.OLD, key));
            } catch (RuntimeException e) {
                // The old model's value changed while the batch was copied, to one the new model rejects.
                if (!Quarantine.isRowError(e)) {
                    throw failed(lease, key, "re-syncing a row a dual write changed while it was copied", e);
                }
                rejections.stopIfAsked(lease.seq(), lease.startKey(), lease.endKey(), keyType.encode(key), e);
                rejected.add(new Rejected(keyType.encode(key), e));
                continue;
            }
            if (outcome != KeySync.Outcome.IN_SYNC) {
                written++;
            }
        }
        if (!rejected.isEmpty()) {
            attempts.retrying("recording rows of batch " + lease.seq(), () -> attempts.inNew(session -> {
                rejections.record(session, rejected);
                return null;
            }));
            rejections.rejected(lease.seq(), lease.startKey(), lease.endKey(), rejected);
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

    private @Nullable K decode(@Nullable String key) {
        return key == null ? null : keyType.decode(key);
    }

    /** The values of a model with keys after {@code start} through {@code end}, {@code limit} per page. */
    static <K extends Comparable<? super K>, V> List<V> readRange(KeyedModel<K, V> model, @Nullable K start, K end,
            int limit) {
        List<V> values = new ArrayList<>();
        @Nullable K after = start;
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

    private BackfillException failed(Lease lease, @Nullable K key, String what, RuntimeException e) {
        return BackfillException.failed(job, lease.seq(), lease.startKey(), lease.endKey(),
                key == null ? null : keyType.encode(key), what, e);
    }

    /** Keys a dual write put back in the old model before the removal committed. Rolls the removal back. */
    private static final class PutBack extends RuntimeException {
        final Collection<?> keys;

        PutBack(Collection<?> keys) {
            super(null, null, false, false);
            this.keys = keys;
        }
    }

    /** A backfill lease ends at the last key of the page it was claimed with, never open-ended. */
    static String endKey(Lease lease) {
        return Objects.requireNonNull(lease.endKey(), "a backfill lease has an end key");
    }
}
