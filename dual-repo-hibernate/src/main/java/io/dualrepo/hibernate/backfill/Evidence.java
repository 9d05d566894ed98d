package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseTables;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Route;
import io.dualrepo.spi.WithheldMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a backfill reads from and tells the migration record. */
final class Evidence {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final Migration<?, ?> migration;
    private final String job;
    private final String workerId;
    private final MigrationRecord record;

    Evidence(Backfill<?, ?> backfill, MigrationRecord record) {
        this.migration = backfill.migration;
        this.job = backfill.job;
        this.workerId = backfill.workerId;
        this.record = record;
    }

    /**
     * A copy trusts OLD to say which rows exist. Once NEW is the primary, a delete reaches NEW first and may miss
     * OLD (a failed secondary write waiting for the repair, or OLD no longer written at all): the copy would insert
     * the deleted row into the model serving reads, and the repair would then spread it back to OLD. And a copy
     * into a NEW that the route does not write yet (or only since less than the settle time) keeps values that
     * writes to OLD alone overwrite afterwards: such a backfill would not count, yet read-through, which needs no
     * backfill evidence, would answer with what it left (found by the model-based test).
     */
    void refuseUnlessItCounts() {
        MigrationState state = record.state(migration.name());
        Route inForce = state.route();
        if (inForce.primary() == Side.NEW) {
            throw new IllegalStateException("backfill " + job + " refused: the migration record's route (" + inForce
                    + ") reads NEW, and a copy from OLD would bring back rows deleted from NEW since. Backfill while"
                    + " OLD is the primary (DUAL_WRITE or SHADOW); to re-sync OLD from NEW, use the verifier with NEW"
                    + " as the source of truth");
        }
        if (!inForce.write().includes(Side.NEW)) {
            throw new IllegalStateException("backfill " + job + " refused: the migration record's route (" + inForce
                    + ") does not write NEW, so every write from now on would leave the copied rows behind. Set a"
                    + " route that writes both (DUAL_WRITE) first, and backfill after the settle time ("
                    + record.settleTime() + ")");
        }
        Instant countsFrom = state.newSide().since().plus(record.settleTime());
        if (Instant.now().isBefore(countsFrom)) {
            throw new IllegalStateException("backfill " + job + " refused until " + countsFrom + ": NEW is written"
                    + " since " + state.newSide().since() + ", and instances still on the route before may write OLD"
                    + " only until the settle time (" + record.settleTime() + ") has passed; rows copied before then"
                    + " may miss their writes. Start it after " + countsFrom);
        }
    }

    enum JobStart { FIRST_KEY, RESUMED, ALREADY_FINISHED }

    /** Where this run takes the job up: at its first key (it reads every old row itself), mid-way, or not at all. */
    static JobStart jobStart(Backfill<?, ?> backfill) {
        LeaseStore store = new LeaseStore(LeaseTables.BACKFILL, backfill.job, backfill.clock, backfill.leaseDuration);
        // Asked first, so that a first run does not query tables its worker has yet to create (a database error
        // in the log that looks like a failure).
        LeaseStore.Checkpoint checkpoint = backfill.migration.newModel().transactions()
                .read(session -> store.tablesExist(session) ? store.checkpoint(session) : null);
        if (checkpoint == null) {
            return JobStart.FIRST_KEY;
        }
        if (checkpoint.finished()) {
            return JobStart.ALREADY_FINISHED;
        }
        return checkpoint.lastKey() == null ? JobStart.FIRST_KEY : JobStart.RESUMED;
    }

    /**
     * Tells the migration record that the new model was backfilled. A job resumed from an earlier run is recorded as
     * not counting: when its first rows were read is not known here, and rows read before every instance wrote both
     * models may be missing. Restarting it ({@link Backfill.Builder#restart()}) after the settle time gives the
     * evidence. Rows left in the quarantine are rows the new model lacks: the record is told of them as rejected,
     * and then does not count the backfill either.
     */
    void record(@Nullable Instant startedAt, long rejectedRows) {
        try {
            Instant finishedAt = Instant.now();
            MigrationState state = record.recordBackfill(migration.name(), Side.NEW,
                    startedAt == null ? Instant.EPOCH : startedAt, finishedAt, rejectedRows, "backfill " + job
                            + " (worker " + workerId + ")"
                            + (startedAt == null ? ", resumed from an earlier run" : ""));
            Instant counted = state.newSide().backfilledAt();
            boolean needsOne = state.newSide().status() == SideStatus.CATCHING_UP
                    || state.newSide().status() == SideStatus.RESYNCING;
            if (needsOne && (counted == null || counted.isBefore(finishedAt.truncatedTo(ChronoUnit.MILLIS)))) {
                // The copy is done, but it is not the evidence the stage rules ask for: say so where it is seen.
                String why = record.history(migration.name(), 1).stream().findFirst()
                        .map(RecordEntry::detail).orElse("see the migration record's history");
                LOG.warn("backfill {}: finished, but the migration record does not count it: {}. Run it again from"
                        + " the first key with Backfill.builder(...).restart(){}", job, why, rejectedRows > 0
                        ? " once the rows in " + Quarantine.TABLE + " are fixed in the old model" : "");
            }
        } catch (RuntimeException e) {
            LOG.warn("backfill {}: finished, but the migration record could not be told; run the verifier with the"
                    + " record, or record it by hand", job, WithheldMessage.of(e));
        }
    }
}
