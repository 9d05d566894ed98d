package io.dualrepo.hibernate.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.backfill.PersonWorld;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideStatus;
import io.dualrepo.record.Transitions;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill that left rows in the quarantine is not the evidence that lets NEW serve reads: NEW is missing those
 * rows. It counts once the rows are fixed and a run from the first key ends with the quarantine empty; or a force,
 * on record, accepts what NEW misses.
 */
class QuarantineEvidenceTest {

    private static final Map<Integer, Bad> BAD = Map.of(11, Bad.NULL_NAME, 42, Bad.TOO_LONG, 77, Bad.ONE_WORD);

    private PersonWorld world;
    private DatabaseMigrationRecord record;

    @BeforeEach
    void setUp() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(100, BAD);
        record = DatabaseMigrationRecord.builder(world.oldSessions).build();
        record.takeRoute("persons", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");
    }

    @AfterEach
    void tearDown() throws Exception {
        world.close();
    }

    private Optional<String> liveRefused() {
        return Transitions.refusal(record.state("persons"), Stage.LIVE.route(), record.settleTime(), Instant.now());
    }

    private VerificationResult<String> verify() {
        return Verifier.builder(world.migration).meterRegistry(new SimpleMeterRegistry()).migrationRecord(record)
                .build().verify();
    }

    @Test
    void aBackfillWithQuarantinedRowsDoesNotCountUntilTheyAreFixedAndTheJobRunsFromTheFirstKeyAgain() {
        BackfillResult first = Backfill.builder(world.migration).batchSize(20).migrationRecord(record).build().run();

        assertThat(first.finished()).isTrue();
        assertThat(first.rowsInQuarantine()).isEqualTo(3);
        RecordEntry entry = record.history("persons", 1).get(0);
        assertThat(entry.origin()).isEqualTo(Origin.BACKFILL);
        assertThat(entry.detail()).contains("does not count: 3 row(s) were rejected")
                .doesNotContain(PersonWorld.SECRET);
        assertThat(record.state("persons").newSide().backfilledAt()).isNull();

        // The verifier says why, and its verdict does not count either.
        VerificationResult<String> verified = verify();
        assertThat(verified.isClean()).isFalse();
        assertThat(verified.quarantined()).isEqualTo(3);
        assertThat(verified.missingInNew()).isZero();
        assertThat(record.history("persons", 1).get(0).detail()).contains("3 quarantined");
        assertThat(record.state("persons").newSide().status()).isEqualTo(SideStatus.CATCHING_UP);
        assertThat(liveRefused()).hasValueSatisfying(why -> assertThat(why).contains("NEW cannot serve reads"));

        // Fixed in OLD: a plain run copies the rows and empties the quarantine, but it read no other row, so it
        // is not the evidence either.
        world.fixInOld(Map.of(PersonWorld.key(22), "Fixed One", PersonWorld.key(84), "Fixed Two",
                PersonWorld.key(154), "Fixed Three"));
        BackfillResult released = Backfill.builder(world.migration).batchSize(20).migrationRecord(record).build()
                .run();
        assertThat(released.rowsReleased()).isEqualTo(3);
        assertThat(released.rowsInQuarantine()).isZero();
        assertThat(record.state("persons").newSide().backfilledAt()).isNull();

        // From the first key, with an empty quarantine at its end: it counts, and a clean verification after it
        // makes NEW complete.
        Instant restarted = Instant.now();
        BackfillResult full = Backfill.builder(world.migration).batchSize(20).restart().migrationRecord(record)
                .build().run();
        assertThat(full.rowsInQuarantine()).isZero();
        assertThat(record.state("persons").newSide().backfilledAt()).isAfterOrEqualTo(restarted);
        assertThat(verify().isClean()).isTrue();
        assertThat(record.state("persons").newSide().status()).isEqualTo(SideStatus.COMPLETE);
        assertThat(liveRefused()).isEmpty();
    }

    @Test
    void aForceOnRecordLetsNewServeReadsWithRowsStillQuarantined() {
        Backfill.builder(world.migration).batchSize(20).migrationRecord(record).build().run();
        assertThat(liveRefused()).isPresent();

        record.force("persons", Side.NEW, "the 3 quarantined persons are test data, accepted missing", "ops:alice");

        assertThat(liveRefused()).isEmpty();
        assertThat(record.history("persons", 1).get(0).origin()).isEqualTo(Origin.FORCE);
        assertThat(world.quarantine()).hasSize(3);
    }
}
