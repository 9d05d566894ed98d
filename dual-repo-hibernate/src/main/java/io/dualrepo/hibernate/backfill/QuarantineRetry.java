package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.durable.KeySync;
import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.WithheldMessage;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries the quarantined rows again at the start of a run: each key the new model rejected is synced from the old
 * model's current value ({@link KeySync}, as the repair does), and leaves the quarantine once it went through, or
 * once the old model no longer holds it. A row still rejected stays, one attempt more. Keys the repair quarantined
 * are tried too: a key the new model refuses is missing from it whoever found it.
 */
final class QuarantineRetry<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    private static final int PAGE = 500;

    private final String job;
    private final String repository;
    private final KeyType<K> keyType;
    private final KeySync<K, V> sync;
    private final Attempts attempts;
    private final Rejections rejections;

    QuarantineRetry(Backfill<K, V> config, Attempts attempts, Rejections rejections) {
        this.job = config.job;
        this.repository = config.migration.name();
        this.keyType = config.migration.keyType();
        this.sync = KeySync.of(config.migration);
        this.attempts = attempts;
        this.rejections = rejections;
    }

    void run() {
        @Nullable String after = null;
        long tried = 0;
        long before = rejections.released();
        while (!Thread.currentThread().isInterrupted()) {
            String from = after;
            List<String> keys = attempts.inNew(session -> QuarantineStore.keys(session, repository, Side.NEW, from,
                    PAGE));
            if (tried == 0 && !keys.isEmpty()) {
                LOG.info("backfill {}: trying the rows in {} again", job, QuarantineStore.TABLE);
            }
            for (String key : keys) {
                retry(key);
                tried++;
            }
            if (keys.size() < PAGE) {
                break;
            }
            after = keys.get(keys.size() - 1);
        }
        if (tried > 0) {
            long released = rejections.released() - before;
            LOG.info("backfill {}: {} quarantined row(s) tried again: {} went through and left the quarantine, {}"
                    + " still rejected", job, tried, released, tried - released);
        }
    }

    private void retry(String encoded) {
        K key;
        try {
            key = keyType.decode(encoded);
        } catch (RuntimeException e) {
            LOG.warn("backfill {}: quarantined key '{}' cannot be read as a {} key; left in {}", job,
                    Printable.of(encoded), keyType, QuarantineStore.TABLE);
            return;
        }
        try {
            attempts.retrying("retrying a quarantined row", () -> sync.sync(Side.OLD, key));
        } catch (RuntimeException e) {
            if (!Quarantine.isRowError(e)) {
                throw BackfillException.failed(job, 0, null, null, encoded, "retrying the quarantined row", e);
            }
            rejections.stopIfAsked(0, null, null, encoded, e);
            attempts.retrying("recording a quarantined row", () -> attempts.inNew(session -> {
                rejections.record(session, List.of(new Rejections.Rejected(encoded, e)));
                return null;
            }));
            rejections.stillRejected();
            LOG.debug("backfill {}: quarantined key '{}' is still rejected", job, Printable.of(encoded),
                    WithheldMessage.of(e));
            return;
        }
        attempts.inNew(session -> QuarantineStore.remove(session, repository, Side.NEW, encoded));
        rejections.release();
    }
}
