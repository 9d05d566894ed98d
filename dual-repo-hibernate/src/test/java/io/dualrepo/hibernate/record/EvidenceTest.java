package io.dualrepo.hibernate.record;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

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

    @Test
    void aBackfillThatStartedBeforeDualWritesDoesNotCount() {
        record.takeRoute("incidents", Stage.OLD_ONLY.route(), false, Origin.ROUTE_SOURCE, "test");
        Backfill.builder(databases.migration).batchSize(10).migrationRecord(record).build().run();

        // Written from now on, but the copy above read OLD before this instance (or any other) wrote NEW.
        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");
        verifier().verify();

        assertThat(newSide().status()).isIn(SideStatus.CATCHING_UP, SideStatus.RESYNCING);
        List<String> details = record.history("incidents", 10).stream().map(RecordEntry::detail).toList();
        assertThat(details).anyMatch(detail -> detail.contains("backfill") && !detail.contains("counts;"));
    }

    @Test
    void aBackfillStartedWithinTheSettleTimeCopiesButSaysItDoesNotCount() {
        DatabaseMigrationRecord settling = DatabaseMigrationRecord.builder(databases.oldSessions)
                .table("dualrepo_settling").settleTime(Duration.ofHours(1)).build();
        settling.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger backfillLog = (Logger) LoggerFactory.getLogger(Backfill.class);
        backfillLog.addAppender(log);
        try {
            BackfillResult result = Backfill.builder(databases.migration).migrationRecord(settling).build().run();

            assertThat(result.finished()).isTrue();
            assertThat(settling.state("incidents").newSide().backfilledAt()).isNull();
            assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).singleElement().asString()
                    .contains("the migration record does not count it").contains("started before")
                    .contains(".restart()");
        } finally {
            backfillLog.detachAppender(log);
        }
    }

    private Verifier<String, Incident> verifier() {
        return Verifier.builder(databases.migration).migrationRecord(record)
                .meterRegistry(new SimpleMeterRegistry()).build();
    }
}
