package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.internal.lease.LeaseStore;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's progress: the job's counts as this worker knows them, handed to the listener after each batch, to the
 * gauges, and to an INFO line every log interval.
 */
final class ProgressReporter {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final String job;
    private final boolean dryRun;
    private final ProgressListener listener;
    private final @Nullable BackfillMeters meters;
    private final long logIntervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private boolean listenerFailed;

    private long total = -1;
    private long done;
    private long written;
    private long removed;
    private long quarantined;
    private long runRows;

    ProgressReporter(String job, boolean dryRun, ProgressListener listener, @Nullable BackfillMeters meters,
            Duration logInterval) {
        this.job = job;
        this.dryRun = dryRun;
        this.listener = listener;
        this.meters = meters;
        this.logIntervalNanos = logInterval.toNanos();
    }

    /** The job's counts before this run, and the estimated total. */
    void start(LeaseStore.Totals before, long estimatedTotal) {
        done = before.done();
        written = before.written();
        removed = before.removed();
        total = estimatedTotal;
        publish(false);
    }

    void copied(long rows, long rowsWritten) {
        runRows += rows;
        done += rows;
        written += rowsWritten;
        publish(false);
    }

    void removed(long rows) {
        removed += rows;
        publish(false);
    }

    /** Rows in the quarantine, as its table says. */
    void quarantineAt(long rows) {
        quarantined = rows;
    }

    /** Rows that entered the quarantine (or, negative, left it) since it was read. */
    void quarantined(long rows) {
        quarantined = Math.max(0, quarantined + rows);
    }

    /** The job's counts read from its leases, which include other workers' batches, and the quarantine's. */
    void refresh(LeaseStore.Totals job, long inQuarantine) {
        done = Math.max(done, job.done());
        written = Math.max(written, job.written());
        removed = Math.max(removed, job.removed());
        quarantined = inQuarantine;
    }

    boolean refreshDue() {
        return System.nanoTime() - lastLogNanos >= logIntervalNanos;
    }

    /** The job is complete: its counts are final and the total is what was done. */
    void finished(LeaseStore.@Nullable Totals job, long inQuarantine) {
        if (job != null) {
            done = job.done();
            written = job.written();
            removed = job.removed();
        }
        quarantined = inQuarantine;
        total = done;
        publish(true);
    }

    void retried() {
        if (meters != null) {
            meters.retried();
        }
    }

    void stopped() {
        publish(true);
    }

    BackfillProgress current() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? runRows / seconds : 0;
        return new BackfillProgress(job, done, total < 0 ? -1 : Math.max(total, done), written, removed, quarantined,
                rate, dryRun);
    }

    private void publish(boolean last) {
        BackfillProgress progress = current();
        if (meters != null) {
            meters.update(progress);
        }
        try {
            listener.onProgress(progress);
        } catch (RuntimeException e) {
            // A progress bar that breaks must not stop a copy that is working; say so once.
            if (!listenerFailed) {
                listenerFailed = true;
                LOG.warn("backfill {}: the progress listener threw; the backfill goes on", job, e);
            }
        }
        long now = System.nanoTime();
        if (!last && now - lastLogNanos >= logIntervalNanos) {
            lastLogNanos = now;
            LOG.info("backfill {}: {}", job, describe(progress));
        }
    }

    static String describe(BackfillProgress progress) {
        StringBuilder line = new StringBuilder();
        if (progress.total() >= 0) {
            line.append(String.format(Locale.ROOT, "%,d of %,d rows (%.1f %%)", progress.done(), progress.total(),
                    progress.fraction().orElse(0) * 100));
        } else {
            line.append(String.format(Locale.ROOT, "%,d rows", progress.done()));
        }
        line.append(String.format(Locale.ROOT, progress.dryRun() ? ", %,d would be written" : ", %,d written",
                progress.written()));
        if (!progress.dryRun()) {
            line.append(String.format(Locale.ROOT, ", %,d removed again, %,d quarantined", progress.removed(),
                    progress.quarantined()));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f rows/s", progress.rowsPerSecond()));
        progress.eta().ifPresent(eta -> line.append(", eta ").append(eta.truncatedTo(ChronoUnit.SECONDS)
                .toString().substring(2).toLowerCase(Locale.ROOT)));
        return line.toString();
    }
}
