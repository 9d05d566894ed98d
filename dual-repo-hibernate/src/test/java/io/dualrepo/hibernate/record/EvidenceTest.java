package io.dualrepo.hibernate.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.durable.TwoDatabases;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the backfill and the verifier tell the migration record, and what they must not claim: a backfill resumed
 * from an earlier run may have read its first rows before every instance wrote NEW, and a verification that repaired
 * keys vouches for its source, not for the model it overwrote. The record holds counts only, never data.
 */
class EvidenceTest {

    private static final String SECRET_TITLE = "title with a customer's secret";

    private TwoDatabases databases;
    private DatabaseMigrationRecord record;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        record = DatabaseMigrationRecord.builder(databases.oldSessions).build();
        for (int i = 0; i < 30; i++) {
            databases.put(Side.OLD, new Incident("i-%02d".formatted(i), TwoDatabases.ORGANISATION, SECRET_TITLE,
                    "fixing"));
        }
        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");
    }

    @AfterEach
    void tearDown() throws Exception {
        databases.close();
    }

    private SideState newSide() {
        return record.state("incidents").newSide();
    }

    @Test
    void aBackfillFromTheFirstKeyAndACleanVerificationAfterItMakeNewComplete() {
        Instant before = Instant.now();
        Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).build().run();
        assertThat(newSide().backfilledAt()).isAfterOrEqualTo(before);
        assertThat(newSide().status()).isEqualTo(SideStatus.CATCHING_UP);

        verifier().verify();

        assertThat(newSide().status()).isEqualTo(SideStatus.COMPLETE);
        RecordEntry verification = record.history("incidents", 1).get(0);
        assertThat(verification.origin()).isEqualTo(Origin.VERIFICATION);
        assertThat(verification.detail()).contains("30 OLD and 30 NEW rows scanned").doesNotContain(SECRET_TITLE)
                .doesNotContain("i-0");
    }

    @Test
    void aResumedBackfillDoesNotCountUntilItIsRunAgainFromTheStart() {
        // Interrupted from its progress listener after its first batch: the job stops with a checkpoint.
        BackfillResult stopped = Backfill.builder(databases.migration).batchSize(10).migrationRecord(record)
                .onProgress(progress -> {
                    if (progress.done() > 0) {
                        Thread.currentThread().interrupt();
                    }
                }).build().run();
        Thread.interrupted();
        assertThat(stopped.finished()).isFalse();
        assertThat(stopped.rowsScanned()).isPositive();
        assertThat(newSide().backfilledAt()).isNull();

        BackfillResult resumed = Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).build()
                .run();
        assertThat(resumed.finished()).isTrue();
        assertThat(newSide().backfilledAt()).isNull();
        assertThat(record.history("incidents", 1).get(0).detail()).contains("does not count");

        Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).restart().build().run();
        assertThat(newSide().backfilledAt()).isNotNull();
    }

    @Test
    void aVerificationThatRepairedKeysIsNotCleanAndASecondOneIs() {
        Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).build().run();
        databases.put(Side.NEW, new Incident("i-05", TwoDatabases.ORGANISATION, "changed in NEW only", "closed"));

        verifier().verifyAndRepair();
        assertThat(newSide().status()).isEqualTo(SideStatus.CATCHING_UP);
        assertThat(record.history("incidents", 1).get(0).detail()).contains("failed verification")
                .contains("1 differing").contains("1 repaired from OLD").doesNotContain("changed in NEW only");

        verifier().verify();
        assertThat(newSide().status()).isEqualTo(SideStatus.COMPLETE);
    }

    /**
     * Read-through needs every row NEW holds to be right, not every row there: a verification that finds rows only
     * missing from NEW says so on record (and survives a new record object over the same table: another process).
     * A row that differs takes that back only through a new verification.
     */
    @Test
    void aVerificationThatFindsRowsOnlyMissingFromNewVerifiesTheRowsNewHolds() {
        databases.put(Side.NEW, new Incident("i-03", TwoDatabases.ORGANISATION, SECRET_TITLE, "fixing"));
        Instant before = Instant.now();

        verifier().verify();

        assertThat(newSide().status()).isEqualTo(SideStatus.CATCHING_UP);
        assertThat(newSide().rowsVerifiedAt()).isAfterOrEqualTo(before);
        assertThat(DatabaseMigrationRecord.builder(databases.oldSessions).build().state("incidents").newSide()
                .rowsVerifiedAt()).isEqualTo(newSide().rowsVerifiedAt());
        assertThat(record.history("incidents", 1).get(0).detail()).contains("found every row NEW holds equal")
                .doesNotContain(SECRET_TITLE);

        Instant verified = newSide().rowsVerifiedAt();
        databases.put(Side.NEW, new Incident("i-04", TwoDatabases.ORGANISATION, "differs", "closed"));
        verifier().verify();
        assertThat(newSide().rowsVerifiedAt()).as("not moved by a verification that found a difference")
                .isEqualTo(verified);
    }

    /**
     * A copy into a NEW nobody writes yet would not count, and writes to OLD alone would leave its rows behind; read-
     * through, which needs no backfill evidence, would answer with them (found by the model-based test). Refused.
     */
    @Test
    void aBackfillBeforeDualWritesIsRefusedAndCopiesNothing() {
        record.takeRoute("incidents", Stage.OLD_ONLY.route(), false, Origin.ROUTE_SOURCE, "test");

        assertThatThrownBy(() -> Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).build()
                .run()).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not write NEW")
                .hasMessageContaining("DUAL_WRITE");
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(newSide().backfilledAt()).isNull();
    }

    /** Within the settle time instances still on the route before write OLD alone: a copy then would miss them. */
    @Test
    void aBackfillWithinTheSettleTimeIsRefusedAndCopiesNothing() {
        DatabaseMigrationRecord settling = DatabaseMigrationRecord.builder(databases.oldSessions)
                .table("dualrepo_settling").settleTime(Duration.ofHours(1)).build();
        settling.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");

        assertThatThrownBy(() -> Backfill.builder(databases.migration).migrationRecord(settling).build().run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused until")
                .hasMessageContaining("settle time (PT1H)");
        assertThat(databases.newIncidents()).isEmpty();
        assertThat(settling.state("incidents").newSide().backfilledAt()).isNull();
    }

    private Verifier<String, Incident> verifier() {
        return Verifier.builder(databases.migration).migrationRecord(record)
                .meterRegistry(new SimpleMeterRegistry()).build();
    }
}
