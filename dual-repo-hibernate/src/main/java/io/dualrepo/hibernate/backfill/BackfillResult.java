package io.dualrepo.hibernate.backfill;

import java.time.Duration;
import java.util.Locale;

/**
 * What one {@link Backfill#run()} did. The counts are this run's (this worker's), not the job's: a second run of a
 * finished job reports zeros.
 *
 * @param job the job name
 * @param dryRun whether this was a dry run: then {@code rowsWritten} is what a run from the first key would write,
 *     and nothing was written
 * @param finished whether the job is complete: every old key up to the end was copied (by this worker or others);
 *     false when the run was stopped by an interrupt
 * @param rowsScanned old rows this run copied (or, in a dry run, read)
 * @param rowsWritten rows this run inserted into the new model; rows a dual write had already put there are not
 *     counted
 * @param rowsRemoved rows this run removed from the new model again because a dual write deleted them from the old
 *     model between the read and the insert
 * @param rowsRejected rows the new model (or the conversion) rejected in this run, each recorded in the quarantine:
 *     rows of its batches, and quarantined rows it tried again that are still rejected
 * @param rowsReleased quarantined rows this run tried again that went through (or that the old model no longer
 *     holds), and took out of the quarantine
 * @param rowsInQuarantine rows waiting in the quarantine for the new model when the run ended, whoever found them:
 *     the new model is missing them. A finished job with rows here does not count as a backfill for the migration
 *     record
 * @param batches batches this run committed (in a dry run, pages read)
 * @param duration how long the run took
 */
public record BackfillResult(String job, boolean dryRun, boolean finished, long rowsScanned, long rowsWritten,
        long rowsRemoved, long rowsRejected, long rowsReleased, long rowsInQuarantine, long batches,
        Duration duration) {

    /** Old rows per second over the run. */
    public double rowsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds > 0 ? rowsScanned / seconds : 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("backfill ").append(job).append(dryRun ? " (dry run): " : ": ");
        if (dryRun) {
            text.append(String.format(Locale.ROOT, "%,d rows scanned, %,d would be written, nothing written",
                    rowsScanned, rowsWritten));
        } else if (finished && batches == 0) {
            text.append("nothing left to copy, the job had already finished"
                    + " (a finished job scans again only when restarted)");
            return quarantine(text).toString();
        } else {
            text.append(finished ? "finished, " : "stopped before the end (run again to resume), ");
            text.append(String.format(Locale.ROOT, "%,d rows scanned, %,d written, %,d removed again"
                    + " (deleted while being copied)", rowsScanned, rowsWritten, rowsRemoved));
            quarantine(text);
        }
        return text.append(String.format(Locale.ROOT, ", %,d batches in %.1f s (%,.0f rows/s)", batches,
                duration.toNanos() / 1e9, rowsPerSecond())).toString();
    }

    private StringBuilder quarantine(StringBuilder text) {
        if (rowsRejected > 0 || rowsReleased > 0 || rowsInQuarantine > 0) {
            text.append(String.format(Locale.ROOT, "; %,d rejected by the new model, %,d released from the"
                    + " quarantine, %,d in the quarantine (dualrepo_quarantine)", rowsRejected, rowsReleased,
                    rowsInQuarantine));
        }
        return text;
    }
}
