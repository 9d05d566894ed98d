package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.HibernateMeters;

/**
 * The names of the meters of durable dual writes and their repair; types, units and descriptions are in {@link
 * io.dualrepo.hibernate.HibernateMeters}. Tags: {@code repository} (the {@code @DualModel} name) and,
 * where a direction matters, {@code side}: the model the key is to be brought up to date in.
 */
public final class SyncMetrics {

    /** {@link HibernateMeters#SYNC_PENDING_RECORDED}. */
    public static final String PENDING_RECORDED = HibernateMeters.SYNC_PENDING_RECORDED.meterName();
    /** {@link HibernateMeters#SYNC_PENDING}. */
    public static final String PENDING = HibernateMeters.SYNC_PENDING.meterName();
    /** {@link HibernateMeters#SYNC_PENDING_OLDEST}. */
    public static final String PENDING_OLDEST = HibernateMeters.SYNC_PENDING_OLDEST.meterName();
    /** {@link HibernateMeters#SYNC_REPAIRED}. */
    public static final String REPAIRED = HibernateMeters.SYNC_REPAIRED.meterName();
    /** {@link HibernateMeters#SYNC_REPAIR_FAILURES}. */
    public static final String REPAIR_FAILURES = HibernateMeters.SYNC_REPAIR_FAILURES.meterName();
    /** {@link HibernateMeters#SYNC_REPAIR_REJECTED}. */
    public static final String REPAIR_REJECTED = HibernateMeters.SYNC_REPAIR_REJECTED.meterName();
    public static final String REPAIR_KEYS_DONE = HibernateMeters.SYNC_REPAIR_KEYS_DONE.meterName();
    public static final String REPAIR_KEYS_TOTAL = HibernateMeters.SYNC_REPAIR_KEYS_TOTAL.meterName();
    public static final String REPAIR_RATE = HibernateMeters.SYNC_REPAIR_RATE.meterName();
    public static final String REPAIR_ETA = HibernateMeters.SYNC_REPAIR_ETA.meterName();
    /** {@link HibernateMeters#SYNC_SECONDARY_DEFERRED}. */
    public static final String SECONDARY_DEFERRED = HibernateMeters.SYNC_SECONDARY_DEFERRED.meterName();
    /** {@link HibernateMeters#SYNC_SECONDARY_ABANDONED}. */
    public static final String SECONDARY_ABANDONED = HibernateMeters.SYNC_SECONDARY_ABANDONED.meterName();

    /** {@link HibernateMeters#SYNC_ORDER_WAITS_EXPIRED}, tagged {@link #TAG_WAIT}. */
    public static final String ORDER_WAITS_EXPIRED = HibernateMeters.SYNC_ORDER_WAITS_EXPIRED.meterName();

    public static final String TAG_REPOSITORY = "repository";
    /** Which wait ran out: {@code key-lock} (this process's writes) or {@code earlier-writes} (other instances'). */
    public static final String TAG_WAIT = "wait";
    public static final String TAG_SIDE = "side";

    private SyncMetrics() {}
}
