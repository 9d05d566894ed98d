package io.dualrepo.hibernate;

import io.dualrepo.metrics.MeterDescription;
import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * Every meter this module registers: the backfill's (tag {@code job}), the durable dual writes' and their repair's
 * ({@code repository}, and {@code side}: the model a key is to be brought up to date in), the verifier's. Rates are
 * left to the monitoring backend (a rate of {@link #BACKFILL_ROWS_DONE}); the backfill's log line and
 * {@code onProgress} give its own.
 */
public enum HibernateMeters implements MeterDescription {

    BACKFILL_ROWS_DONE("dualrepo.backfill.rows.done", Meter.Type.GAUGE, "rows", "Old rows the job has copied", "job"),
    BACKFILL_ROWS_TOTAL("dualrepo.backfill.rows.total", Meter.Type.GAUGE, "rows",
            "About how many rows the old model holds (NaN when unknown)", "job"),
    BACKFILL_ROWS_WRITTEN("dualrepo.backfill.rows.written", Meter.Type.GAUGE, "rows",
            "Rows the job wrote into the new model", "job"),
    BACKFILL_ROWS_REMOVED("dualrepo.backfill.rows.removed", Meter.Type.GAUGE, "rows",
            "Rows the job removed from the new model again because a dual write deleted them meanwhile", "job"),
    BACKFILL_ROWS_QUARANTINED("dualrepo.backfill.rows.quarantined", Meter.Type.GAUGE, "rows",
            "Rows waiting in the quarantine for the new model: rejected by it, not copied", "job"),
    BACKFILL_REJECTED("dualrepo.backfill.rows.rejected", Meter.Type.COUNTER, "",
            "Rows the new model (or the conversion) rejected, each recorded in the quarantine", "job"),
    BACKFILL_ETA("dualrepo.backfill.eta", Meter.Type.GAUGE, "seconds",
            "Time left at this worker's rate (NaN when unknown); a time gauge", "job"),
    BACKFILL_RETRIES("dualrepo.backfill.retries", Meter.Type.COUNTER, "",
            "Batch transactions retried after a conflict (a concurrent insert of the same key, a deadlock)", "job"),
    SYNC_PENDING_RECORDED("dualrepo.sync.pending.recorded", Meter.Type.COUNTER, "",
            "Keys left waiting for the repair because the secondary did not take the write", "repository", "side"),
    SYNC_PENDING("dualrepo.sync.pending", Meter.Type.GAUGE, "",
            "Keys waiting for the repair, as the last repair pass left them", "repository"),
    SYNC_PENDING_OLDEST("dualrepo.sync.pending.oldest", Meter.Type.GAUGE, "seconds",
            "Age of the oldest row waiting for the repair, read at each scrape (zero when none waits); a time gauge",
            "repository"),
    SYNC_REPAIRED("dualrepo.sync.repaired", Meter.Type.COUNTER, "", "Keys the repair re-synced and cleared",
            "repository", "side"),
    SYNC_REPAIR_FAILURES("dualrepo.sync.repair.failures", Meter.Type.COUNTER, "",
            "Keys whose repair failed; they stay waiting", "repository", "side"),
    SYNC_REPAIR_REJECTED("dualrepo.sync.repair.rejected", Meter.Type.COUNTER, "",
            "Keys whose repair failed because the model rejected the value; recorded in the quarantine, they stay"
                    + " waiting",
            "repository", "side"),
    SYNC_SECONDARY_DEFERRED("dualrepo.sync.secondary.deferred", Meter.Type.COUNTER, "",
            "Secondary halves left to the repair: not done within the timeout, or every thread busy", "repository",
            "reason"),
    SYNC_SECONDARY_ABANDONED("dualrepo.sync.secondary.abandoned", Meter.Type.COUNTER, "",
            "Secondary halves whose caller had stopped waiting, by what became of them", "repository", "outcome"),
    VERIFY_DISCREPANCIES("dualrepo.verify.discrepancies", Meter.Type.COUNTER, "",
            "Discrepancies between the two models found by the verifier, after its re-check", "repository", "kind"),
    VERIFY_REPAIRS("dualrepo.verify.repairs", Meter.Type.COUNTER, "", "Discrepancies the verifier repaired",
            "repository", "outcome");

    private final String meterName;
    private final Meter.Type type;
    private final String baseUnit;
    private final String description;
    private final List<String> tagKeys;

    HibernateMeters(String meterName, Meter.Type type, String baseUnit, String description, String... tagKeys) {
        this.meterName = meterName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    @Override
    public String meterName() {
        return meterName;
    }

    @Override
    public Meter.Type type() {
        return type;
    }

    @Override
    public String baseUnit() {
        return baseUnit;
    }

    @Override
    public List<String> tagKeys() {
        return tagKeys;
    }

    @Override
    public String description() {
        return description;
    }
}
