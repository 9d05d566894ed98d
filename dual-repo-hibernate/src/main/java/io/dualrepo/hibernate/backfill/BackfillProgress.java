package io.dualrepo.hibernate.backfill;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where a backfill job stands, as one worker knows it. The counts are the job's, earlier runs included, so a resumed
 * job's bar starts where the last one stopped; other workers' batches are added as this worker reads the job's
 * leases (every log interval, and at the end).
 *
 * @param job the job name
 * @param done old rows the job has copied (or, in a dry run, scanned); never decreases
 * @param total about how many rows the old model holds ({@code KeyedModel.estimateCount}), -1 when unknown; when
 *     the job finishes, exactly {@code done}
 * @param written rows the job wrote into the new model (in a dry run: would write)
 * @param removed rows the job took back out of the new model because a dual write deleted them while they were being
 *     copied
 * @param quarantined rows waiting in the quarantine for the new model (the table {@code dualrepo_quarantine}): rows
 *     it rejected, which the job counts as done but did not copy. Read from the table at the start, every log
 *     interval and at the end, and counted in between; 0 in a dry run, which writes nothing and so meets no rejection
 * @param rowsPerSecond old rows per second this worker has copied (or scanned) since its run started
 * @param dryRun whether this is a dry run
 */
public record BackfillProgress(
        String job, long done, long total, long written, long removed, long quarantined, double rowsPerSecond,
        boolean dryRun) {

    /** How much of the estimated total is done, from 0 to 1; empty when the total is unknown. */
    public OptionalDouble fraction() {
        if (total < 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(total == 0 ? 1.0 : Math.min(1.0, (double) done / total));
    }

    /** The time left at this worker's rate; empty while the total or the rate is unknown. */
    public Optional<Duration> eta() {
        if (total < 0) {
            return Optional.empty();
        }
        long left = Math.max(0, total - done);
        if (left == 0) {
            return Optional.of(Duration.ZERO);
        }
        if (!(rowsPerSecond > 0)) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) Math.ceil(left * 1000.0 / rowsPerSecond)));
    }
}
