package io.dualrepo.hibernate.verify;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run's progress, shared by its workers: the listener after each segment, an INFO line every log interval. */
final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final String job;
    private final VerificationProgress.Listener listener;
    private final long logIntervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private boolean listenerFailed;
    private long total = -1;
    private long done;
    private long discrepancies;
    private long runRows;

    Progress(String job, VerificationProgress.Listener listener, Duration logInterval) {
        this.job = job;
        this.listener = listener;
        this.logIntervalNanos = logInterval.toNanos();
    }

    /** What the pass had done before this run (other runs' and instances' segments), and the estimated total. */
    synchronized void start(long doneBefore, long discrepanciesBefore, long estimatedTotal) {
        done = doneBefore;
        discrepancies = discrepanciesBefore;
        total = estimatedTotal;
    }

    void segment(long rows, long found) {
        VerificationProgress progress;
        boolean log;
        synchronized (this) {
            runRows += rows;
            done += rows;
            discrepancies += found;
            progress = current();
            long now = System.nanoTime();
            log = now - lastLogNanos >= logIntervalNanos;
            if (log) {
                lastLogNanos = now;
            }
        }
        if (log) {
            LOG.info("verify {}: {}", job, describe(progress));
        }
        publish(progress);
    }

    synchronized VerificationProgress current() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? runRows / seconds : 0;
        return new VerificationProgress(job, done, total < 0 ? -1 : Math.max(total, done), discrepancies, rate);
    }

    private void publish(VerificationProgress progress) {
        try {
            listener.onProgress(progress);
        } catch (RuntimeException e) {
            // A progress bar that breaks must not stop a verification that is working; say so once.
            synchronized (this) {
                if (listenerFailed) {
                    return;
                }
                listenerFailed = true;
            }
            LOG.warn("verify {}: the progress listener threw; the verification goes on", job, e);
        }
    }

    static String describe(VerificationProgress progress) {
        StringBuilder line = new StringBuilder();
        if (progress.total() >= 0) {
            line.append(String.format(Locale.ROOT, "%,d of %,d rows (%.1f %%)", progress.done(), progress.total(),
                    progress.fraction().orElse(0) * 100));
        } else {
            line.append(String.format(Locale.ROOT, "%,d rows", progress.done()));
        }
        line.append(String.format(Locale.ROOT, ", %,d discrepancies, %,.0f rows/s", progress.discrepancies(),
                progress.rowsPerSecond()));
        progress.eta().ifPresent(eta -> line.append(", eta ").append(eta.truncatedTo(ChronoUnit.SECONDS)
                .toString().substring(2).toLowerCase(Locale.ROOT)));
        return line.toString();
    }
}
