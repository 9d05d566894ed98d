package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.backfill.Rejections.Rejected;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Lease;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.WithheldMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch that a row error failed, copied again one row per transaction, so that the rows the new model rejects are
 * found and quarantined and the others copied. The rows' transactions commit one by one; the lease is then marked
 * copied, with the quarantine's new rows, in one transaction. A worker that dies in between leaves its lease active
 * with some of its rows committed: the worker that takes it over copies it again ({@code insertAbsent} skips them)
 * and checks every key the new model holds in its range, not only those it inserted itself. Each row's transaction
 * locks the lease's row and makes sure it is still this worker's, so no row commits after a takeover.
 *
 * <p>Under {@link Backfill.Builder#failOnReject()} the rows are tried in transactions that are rolled back, and the
 * first one rejected stops the run: as before there was a quarantine, nothing of the batch commits, and the error
 * names the row.
 */
final class RowByRow<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    /** The rows inserted, by key, and those rejected. */
    record Outcome<K, V>(Map<K, V> inserted, List<Rejected> rejected) {}

    private final String job;
    private final KeyedModel<K, V> newModel;
    private final KeyType<K> keyType;
    private final LeaseStore store;
    private final Attempts attempts;
    private final Rejections rejections;

    RowByRow(Backfill<K, V> config, LeaseStore store, Attempts attempts, Rejections rejections) {
        this.job = config.job;
        this.newModel = config.migration.newModel();
        this.keyType = config.migration.keyType();
        this.store = store;
        this.attempts = attempts;
        this.rejections = rejections;
    }

    /**
     * @throws Worker.LeaseLost when the lease was taken over meanwhile (the quarantine rows are then the new owner's)
     * @throws BackfillException for a failure that is not the row's, or the first rejected row under failOnReject
     */
    Outcome<K, V> copy(Lease lease, List<V> values, List<K> keys, RuntimeException batchFailure) {
        LOG.info("backfill {}: batch {} (keys {}) failed on a row ({}); copying its {} rows one by one to find the"
                + " rows the new model rejects", job, lease.seq(), BackfillException.range(lease.startKey(),
                lease.endKey()), WithheldMessage.describe(batchFailure), values.size());
        boolean probe = rejections.failOnReject();
        Map<K, V> inserted = new LinkedHashMap<>();
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            K key = keys.get(i);
            V value = values.get(i);
            int written;
            try {
                written = attempts.retrying("copying a row of batch " + lease.seq(),
                        () -> insert(lease, key, value, probe));
            } catch (Worker.LeaseLost lost) {
                throw lost;
            } catch (RuntimeException e) {
                if (!Quarantine.isRowError(e)) {
                    throw BackfillException.failed(job, lease.seq(), lease.startKey(), lease.endKey(),
                            keyType.encode(key), "copying it row by row", e);
                }
                rejections.stopIfAsked(lease.seq(), lease.startKey(), lease.endKey(), keyType.encode(key), e);
                rejected.add(new Rejected(keyType.encode(key), e));
                continue;
            }
            if (written > 0) {
                inserted.put(key, value);
            }
        }
        if (probe) {
            // No single row is to blame: the rows together break a constraint of the new model (two rows of the
            // batch with one unique value).
            throw BackfillException.failed(job, lease.seq(), lease.startKey(), lease.endKey(), null, "copying it"
                    + " (each of its rows goes through alone; together they break a constraint of the new model)",
                    batchFailure);
        }
        attempts.retrying("recording batch " + lease.seq(), () -> attempts.inNew(session -> {
            rejections.record(session, rejected);
            if (!store.markCopied(session, lease, values.size(), inserted.size())) {
                throw new Worker.LeaseLost();
            }
            return null;
        }));
        return new Outcome<>(inserted, rejected);
    }

    /** The row, unless the new model holds its key; rolled back when only probing. */
    private int insert(Lease lease, K key, V value, boolean probe) {
        try {
            return attempts.inNew(session -> {
                // Each row commits on its own, so each makes sure the lease is still this worker's: a worker that
                // took it over meanwhile has read the new model's range, and a row inserted after that read would
                // escape its check.
                if (!store.holdsActive(session, lease)) {
                    throw new Worker.LeaseLost();
                }
                if (!newModel.present(session, List.of(key)).isEmpty()) {
                    return 0;
                }
                int written = newModel.insertAbsent(session, List.of(value));
                session.flush();
                if (probe) {
                    throw new Probed();
                }
                return written;
            });
        } catch (Probed probed) {
            return 0;
        }
    }

    /** Rolls a row's probe back: it went through. */
    private static final class Probed extends RuntimeException {
        Probed() {
            super(null, null, false, false);
        }
    }
}
