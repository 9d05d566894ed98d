package io.dualrepo.hibernate.backfill;

/**
 * The meters a backfill registers on the {@code MeterRegistry} it is given, each tagged with {@link #TAG_JOB}. The
 * gauges show the job's progress as this worker knows it (see {@link BackfillProgress}); a dry run registers none.
 * Two backfill workers of one job sharing a registry share these gauges: the first one registered reports.
 */
public final class BackfillMetrics {

    /** Gauge: old rows the job has copied. */
    public static final String ROWS_DONE = "dualrepo.backfill.rows.done";
    /** Gauge: about how many rows the old model holds (NaN when unknown). */
    public static final String ROWS_TOTAL = "dualrepo.backfill.rows.total";
    /** Gauge: rows the job wrote into the new model. */
    public static final String ROWS_WRITTEN = "dualrepo.backfill.rows.written";
    /** Gauge: rows the job removed from the new model again because a dual write deleted them meanwhile. */
    public static final String ROWS_REMOVED = "dualrepo.backfill.rows.removed";
    /** Gauge: rows waiting in the quarantine for the new model: rejected by it, not copied. */
    public static final String ROWS_QUARANTINED = "dualrepo.backfill.rows.quarantined";
    /** Counter: rows the new model (or the conversion) rejected, each recorded in the quarantine. */
    public static final String REJECTED = "dualrepo.backfill.rows.rejected";
    /** Gauge: old rows per second this worker copies. */
    public static final String RATE = "dualrepo.backfill.rate";
    /** Gauge: seconds left at that rate (NaN when unknown). */
    public static final String ETA = "dualrepo.backfill.eta";
    /** Counter: batch transactions retried after a conflict (a concurrent insert of the same key, a deadlock). */
    public static final String RETRIES = "dualrepo.backfill.retries";

    public static final String TAG_JOB = "job";

    private BackfillMetrics() {}
}
