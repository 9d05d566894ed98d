package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.HibernateMeters;

/**
 * The names of the meters a backfill registers on the {@code MeterRegistry} it is given, each tagged with {@link
 * #TAG_JOB}; their types, units and descriptions are in {@link HibernateMeters}. The gauges show the job's progress
 * as this worker knows it (see {@link BackfillProgress}); a dry run registers none. Two backfill workers of one job
 * sharing a registry share these gauges: the first one registered reports. There is no rate gauge: the backend
 * derives it from {@link #ROWS_DONE} (the log line and {@code onProgress} carry this worker's own).
 */
public final class BackfillMetrics {

    /** {@link HibernateMeters#BACKFILL_ROWS_DONE}. */
    public static final String ROWS_DONE = HibernateMeters.BACKFILL_ROWS_DONE.meterName();
    /** {@link HibernateMeters#BACKFILL_ROWS_TOTAL}. */
    public static final String ROWS_TOTAL = HibernateMeters.BACKFILL_ROWS_TOTAL.meterName();
    /** {@link HibernateMeters#BACKFILL_ROWS_WRITTEN}. */
    public static final String ROWS_WRITTEN = HibernateMeters.BACKFILL_ROWS_WRITTEN.meterName();
    /** {@link HibernateMeters#BACKFILL_ROWS_REMOVED}. */
    public static final String ROWS_REMOVED = HibernateMeters.BACKFILL_ROWS_REMOVED.meterName();
    /** {@link HibernateMeters#BACKFILL_ROWS_QUARANTINED}. */
    public static final String ROWS_QUARANTINED = HibernateMeters.BACKFILL_ROWS_QUARANTINED.meterName();
    /** {@link HibernateMeters#BACKFILL_REJECTED}. */
    public static final String REJECTED = HibernateMeters.BACKFILL_REJECTED.meterName();
    /** {@link HibernateMeters#BACKFILL_ETA}: a time gauge. */
    public static final String ETA = HibernateMeters.BACKFILL_ETA.meterName();
    /** {@link HibernateMeters#BACKFILL_RETRIES}. */
    public static final String RETRIES = HibernateMeters.BACKFILL_RETRIES.meterName();

    public static final String TAG_JOB = "job";

    private BackfillMetrics() {}
}
