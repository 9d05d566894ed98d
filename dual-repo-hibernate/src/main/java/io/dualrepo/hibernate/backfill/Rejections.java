package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.spi.WithheldMessage;
import java.util.List;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run does with a row the new model (or the conversion) rejects: quarantine it and go on, or stop there
 * ({@link Backfill.Builder#failOnReject()}); and the run's counts, with the limit on new rejections.
 */
final class Rejections {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    private static final int KEYS_LOGGED = 10;

    /** A row the new model rejected: its key as the key type writes it, and what was thrown. */
    record Rejected(String key, RuntimeException failure) {}

    private final String job;
    private final String repository;
    private final String foundBy;
    private final boolean failOnReject;
    private final long maxRejectedRows;
    private final ProgressReporter progress;
    private final @Nullable BackfillMeters meters;
    private long rejected;
    private long newlyRejected;
    private long released;

    Rejections(Backfill<?, ?> config, ProgressReporter progress, @Nullable BackfillMeters meters) {
        this.job = config.job;
        this.repository = config.migration.name();
        this.foundBy = "backfill " + config.job;
        this.failOnReject = config.failOnReject;
        this.maxRejectedRows = config.maxRejectedRows;
        this.progress = progress;
        this.meters = meters;
    }

    boolean failOnReject() {
        return failOnReject;
    }

    /** Stops the run for a rejected row, when it was asked to. */
    void stopIfAsked(long batch, @Nullable String startKey, @Nullable String endKey, @Nullable String key,
            RuntimeException failure) {
        if (failOnReject) {
            throw BackfillException.rejected(job, batch, startKey, endKey, key, "stopping at the first rejected row"
                    + " (failOnReject); without it the row would be quarantined and the backfill would go on",
                    failure);
        }
    }

    /** Records the rows in the quarantine, in the session's transaction. */
    void record(Session session, List<Rejected> rows) {
        for (Rejected row : rows) {
            QuarantineStore.record(session, repository, Side.NEW, row.key(), foundBy, row.failure());
        }
    }

    /**
     * Counts rows the scan found rejected, now recorded, and says so; stops the run once it has rejected more new
     * rows than allowed (a conversion with a bug rejects every row: better to stop than to quarantine the table).
     */
    void rejected(long batch, @Nullable String startKey, @Nullable String endKey, List<Rejected> rows) {
        if (rows.isEmpty()) {
            return;
        }
        count(rows.size());
        progress.quarantined(rows.size());
        newlyRejected += rows.size();
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < Math.min(KEYS_LOGGED, rows.size()); i++) {
            Rejected row = rows.get(i);
            keys.append(i > 0 ? ", " : "").append('\'').append(Printable.of(row.key())).append("' (")
                    .append(WithheldMessage.describe(row.failure())).append(')');
        }
        LOG.warn("backfill {}: batch {} (keys {}): the new model rejected {} row(s), recorded in {}: {}{}; the"
                + " backfill goes on", job, batch, BackfillException.range(startKey, endKey), rows.size(),
                QuarantineStore.TABLE, keys, rows.size() > KEYS_LOGGED ? ", …" : "");
        if (newlyRejected > maxRejectedRows) {
            Rejected last = rows.get(rows.size() - 1);
            throw BackfillException.rejected(job, batch, startKey, endKey, last.key(), "this run has rejected "
                    + newlyRejected + " rows, more than maxRejectedRows (" + maxRejectedRows + "): stopping, as a"
                    + " conversion or a new-model constraint that is wrong would reject every row. They are all in "
                    + QuarantineStore.TABLE + "; look at them, fix what rejects them, and run again (or raise"
                    + " maxRejectedRows)", last.failure());
        }
    }

    /** A quarantined row tried again and still rejected. */
    void stillRejected() {
        count(1);
    }

    private void count(long rows) {
        rejected += rows;
        if (meters != null) {
            meters.rejected(rows);
        }
    }

    /** A quarantined row that went through (or no longer needs to), taken out of the quarantine. */
    void release() {
        released++;
        progress.quarantined(-1);
    }

    /** Rows this run found rejected: new ones, and quarantined ones tried again. */
    long rejected() {
        return rejected;
    }

    long released() {
        return released;
    }
}
