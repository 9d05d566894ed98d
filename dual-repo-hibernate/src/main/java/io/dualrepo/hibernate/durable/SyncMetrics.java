package io.dualrepo.hibernate.durable;

/**
 * The meters of durable dual writes and their repair. Tags: {@code repository} (the {@code @DualModel} name) and,
 * where a direction matters, {@code side}: the model the key is to be brought up to date in.
 */
public final class SyncMetrics {

    /** Counter: keys left waiting for the repair because the secondary did not take the write. Tags: repository, side. */
    public static final String PENDING_RECORDED = "dualrepo.sync.pending.recorded";
    /** Gauge: keys waiting for the repair, as the last repair pass left them. Tags: repository. */
    public static final String PENDING = "dualrepo.sync.pending";
    /**
     * Time gauge, in seconds: age of the oldest row waiting for the repair, as the last repair pass left them (zero
     * when none waits). Read at each scrape, so it keeps growing while a key never repairs or the repair stopped
     * running. Tags: repository.
     */
    public static final String PENDING_OLDEST = "dualrepo.sync.pending.oldest";
    /** Counter: keys the repair re-synced and cleared. Tags: repository, side. */
    public static final String REPAIRED = "dualrepo.sync.repaired";
    /** Counter: keys whose repair failed; they stay waiting. Tags: repository, side. */
    public static final String REPAIR_FAILURES = "dualrepo.sync.repair.failures";
    /**
     * Counter: keys whose repair failed because the model rejected the value (a row error), recorded in its
     * database's quarantine table; they stay waiting, and count in {@link #REPAIR_FAILURES} too. Tags: repository,
     * side.
     */
    public static final String REPAIR_REJECTED = "dualrepo.sync.repair.rejected";

    /**
     * Counter: dual writes whose secondary half was left to the repair because it did not complete within {@link
     * CrossDatabaseScope.Builder#secondaryWriteTimeout} ({@code reason=timeout}) or every secondary-write thread was
     * busy ({@code reason=busy}). Tags: repository, reason.
     */
    public static final String SECONDARY_DEFERRED = "dualrepo.sync.secondary.deferred";
    /**
     * Counter: secondary halves whose caller had stopped waiting, by what became of them: {@code rolled_back} (the
     * write finished late and was rolled back, never committed), {@code failed} (it threw), {@code not_started}
     * (it was still queued). Tags: repository, outcome.
     */
    public static final String SECONDARY_ABANDONED = "dualrepo.sync.secondary.abandoned";

    public static final String TAG_REPOSITORY = "repository";
    public static final String TAG_SIDE = "side";

    private SyncMetrics() {}
}
