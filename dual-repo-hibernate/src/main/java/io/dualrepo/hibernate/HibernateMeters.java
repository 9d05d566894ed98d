package io.dualrepo.hibernate;

import static io.dualrepo.metrics.MeterDescription.Definition.counter;
import static io.dualrepo.metrics.MeterDescription.Definition.gauge;

import io.dualrepo.metrics.MeterDescription;

/**
 * Every meter this module registers: the backfill's (tag {@code job}), the durable dual writes' and their repair's
 * ({@code repository}, and {@code side}: the model a key is to be brought up to date in), the verifier's. Rates are
 * left to the monitoring backend (a rate of {@link #BACKFILL_ROWS_DONE}); the backfill's log line and
 * {@code onProgress} give its own.
 */
public enum HibernateMeters implements MeterDescription {

    BACKFILL_ROWS_DONE(gauge("dualrepo.backfill.rows.done", "rows", "Old rows the job has copied", "job")),
    BACKFILL_ROWS_TOTAL(gauge("dualrepo.backfill.rows.total", "rows",
            "About how many rows the old model holds (NaN when unknown)",
            "job")),
    BACKFILL_ROWS_WRITTEN(gauge("dualrepo.backfill.rows.written", "rows",
            "Rows the job wrote into the new model",
            "job")),
    BACKFILL_ROWS_REMOVED(gauge("dualrepo.backfill.rows.removed", "rows",
            "Rows the job removed from the new model again because a dual write deleted them meanwhile",
            "job")),
    BACKFILL_ROWS_QUARANTINED(gauge("dualrepo.backfill.rows.quarantined", "rows",
            "Rows waiting in the quarantine for the new model: rejected by it, not copied",
            "job")),
    BACKFILL_REJECTED(counter("dualrepo.backfill.rows.rejected",
            "Rows the new model (or the conversion) rejected, each recorded in the quarantine",
            "job")),
    BACKFILL_ETA(gauge("dualrepo.backfill.eta", "seconds",
            "Time left at this worker's rate (NaN when unknown); a time gauge",
            "job")),
    BACKFILL_RETRIES(counter("dualrepo.backfill.retries",
            "Batch transactions retried after a conflict (a concurrent insert of the same key, a deadlock)",
            "job")),
    SYNC_PENDING_RECORDED(counter("dualrepo.sync.pending.recorded",
            "Keys left waiting for the repair because the secondary did not take the write",
            "repository", "side")),
    SYNC_ORDER_WAITS_EXPIRED(counter("dualrepo.sync.order.waits.expired",
            "Dual writes under read-through that waited the bound for an earlier write or copy of the same key and went"
                    + " on unordered (wait: key-lock in this process, earlier-writes across instances): readers of"
                    + " NEW may see the two writes in the other order until the check after the write syncs the key",
            "repository", "wait")),
    SYNC_PENDING(gauge("dualrepo.sync.pending", "",
            "Keys waiting for the repair, as the last repair pass left them",
            "repository")),
    SYNC_PENDING_OLDEST(gauge("dualrepo.sync.pending.oldest", "seconds",
            "Age of the oldest row waiting for the repair, read at each scrape (zero when none waits); a time gauge",
            "repository")),
    SYNC_REPAIRED(counter("dualrepo.sync.repaired", "Keys the repair re-synced and cleared", "repository", "side")),
    SYNC_REPAIR_FAILURES(counter("dualrepo.sync.repair.failures",
            "Keys whose repair failed; they stay waiting",
            "repository", "side")),
    SYNC_REPAIR_REJECTED(counter("dualrepo.sync.repair.rejected",
            "Keys whose repair failed because the model rejected the value; recorded in the quarantine, they stay"
                    + " waiting",
            "repository", "side")),
    SYNC_REPAIR_KEYS_DONE(gauge("dualrepo.sync.repair.keys.done", "keys",
            "Keys the repair pass under way (or the last one) has synced so far",
            "repository")),
    SYNC_REPAIR_KEYS_TOTAL(gauge("dualrepo.sync.repair.keys.total", "keys",
            "Keys waiting when the repair pass under way (or the last one) started",
            "repository")),
    SYNC_REPAIR_RATE(gauge("dualrepo.sync.repair.rate", "keys/s",
            "Keys per second the repair pass under way (or the last one) has synced",
            "repository")),
    SYNC_REPAIR_ETA(gauge("dualrepo.sync.repair.eta", "seconds",
            "Time the repair pass under way needs for the keys it has left, at its rate (NaN when unknown, zero"
                    + " when none is running); a time gauge",
            "repository")),
    SYNC_SECONDARY_DEFERRED(counter("dualrepo.sync.secondary.deferred",
            "Secondary halves left to the repair: not done within the timeout, or every thread busy",
            "repository", "reason")),
    SYNC_SECONDARY_ABANDONED(counter("dualrepo.sync.secondary.abandoned",
            "Secondary halves whose caller had stopped waiting, by what became of them",
            "repository", "outcome")),
    VERIFY_DISCREPANCIES(counter("dualrepo.verify.discrepancies",
            "Discrepancies between the two models found by the verifier, after its re-check",
            "repository", "kind")),
    VERIFY_REPAIRS(counter("dualrepo.verify.repairs", "Discrepancies the verifier repaired", "repository", "outcome"));

    private final Definition definition;

    HibernateMeters(Definition definition) {
        this.definition = definition;
    }

    @Override
    public Definition definition() {
        return definition;
    }
}
