package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.model.Person;
import io.dualrepo.hibernate.quarantine.QuarantinedRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * One bad row and what becomes of the job: quarantined and passed by default, the run stopped at it under
 * failOnReject, a run stopped by failures that are the infrastructure's (and never quarantining a row for them),
 * and the limit on how many rows one run may reject.
 */
class BackfillRejectTest {

    private static final int BATCH = 20;

    private PersonWorld world;

    @AfterEach
    void tearDown() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aNullTheConversionDoesNotExpectIsQuarantinedAndTheJobFinishes(Layout layout) {
        // Issue 13: this row stopped the whole job, "failed after 0 batches", and run() threw a bare
        // NullPointerException.
        world = PersonWorld.create(layout);
        world.seed(100, Map.of(3, Bad.NULL_NAME));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<BackfillProgress> progress = new ArrayList<>();
        Logger logger = (Logger) LoggerFactory.getLogger(Backfill.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        BackfillResult result;
        try {
            result = Backfill.builder(world.migration).batchSize(BATCH).meterRegistry(registry)
                    .logInterval(Duration.ofNanos(1)).onProgress(progress::add).build().run();
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(result.finished()).isTrue();
        assertThat(result.rowsScanned()).isEqualTo(100);
        assertThat(result.rowsWritten()).isEqualTo(99);
        assertThat(result.rowsRejected()).isEqualTo(1);
        assertThat(result.rowsInQuarantine()).isEqualTo(1);
        assertThat(result.toString()).contains("1 rejected by the new model").contains("1 in the quarantine");
        assertThat(world.newRows()).hasSize(99).doesNotContain(new Person(PersonWorld.key(6), null));
        QuarantinedRow row = world.quarantine().get(PersonWorld.key(6));
        assertThat(row.exceptionClass()).isEqualTo(NullPointerException.class.getName());
        assertThat(row.sqlState()).isNull();
        assertThat(row.error()).isEqualTo("java.lang.NullPointerException (messages withheld)");
        assertThat(row.firstSeen()).isEqualTo(row.lastSeen());

        assertThat(progress.get(progress.size() - 1).quarantined()).isEqualTo(1);
        assertThat(registry.get(BackfillMetrics.ROWS_QUARANTINED).gauge().value()).isEqualTo(1);
        assertThat(registry.get(BackfillMetrics.REJECTED).counter().count()).isEqualTo(1);
        assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("rows (").contains("1 quarantined"));
        assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("batch 1 (keys from the first through '" + PersonWorld.key(38) + "')")
                .contains("'" + PersonWorld.key(6) + "' (java.lang.NullPointerException"));
    }

    @Test
    void aRowStillRejectedStaysWithOneMoreAttemptAndTheRecordIsKeptOtherwise() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(60, Map.of(5, Bad.TOO_LONG, 30, Bad.ONE_WORD));
        Backfill.builder(world.migration).batchSize(BATCH).build().run();
        QuarantinedRow before = world.quarantine().get(PersonWorld.key(10));

        BackfillResult again = Backfill.builder(world.migration).batchSize(BATCH).build().run();

        assertThat(again.rowsRejected()).isEqualTo(2);
        assertThat(again.rowsReleased()).isZero();
        assertThat(again.rowsInQuarantine()).isEqualTo(2);
        QuarantinedRow after = world.quarantine().get(PersonWorld.key(10));
        assertThat(after.attempts()).isEqualTo(2);
        assertThat(after.firstSeen()).isEqualTo(before.firstSeen());
        assertThat(after.lastSeen()).isAfterOrEqualTo(before.lastSeen());
        assertThat(after.sqlState()).isEqualTo("22001");
    }

    @Test
    void aQuarantinedRowTheOldModelNoLongerHoldsLeavesTheQuarantine() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(40, Map.of(7, Bad.ONE_WORD));
        Backfill.builder(world.migration).batchSize(BATCH).build().run();
        world.oldDatabase.execute("delete from persons where id = '" + PersonWorld.key(14) + "'");

        BackfillResult again = Backfill.builder(world.migration).batchSize(BATCH).build().run();

        assertThat(again.rowsReleased()).isEqualTo(1);
        assertThat(world.quarantine()).isEmpty();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void failOnRejectStopsAtTheFirstRejectedRowNamingItsKeyAndItsBatchRange(Layout layout) {
        world = PersonWorld.create(layout);
        world.seed(100, Map.of(45, Bad.TOO_LONG, 47, Bad.NULL_NAME));

        BackfillException stopped = catchThrowableOfType(BackfillException.class,
                () -> Backfill.builder(world.migration).batchSize(BATCH).failOnReject().build().run());

        // Batch 3 holds positions 40 to 59: keys after p-00078 through p-00118; the row at 45 is p-00090.
        assertThat(stopped.rejected()).isTrue();
        assertThat(stopped.batch()).hasValue(3);
        assertThat(stopped.startKey()).contains(PersonWorld.key(78));
        assertThat(stopped.endKey()).contains(PersonWorld.key(118));
        assertThat(stopped.key()).contains(PersonWorld.key(90));
        assertThat(stopped.sqlState()).contains("22001");
        assertThat(stopped.exceptionClass()).isEqualTo("org.hibernate.exception.DataException");
        assertThat(stopped.getMessage())
                .contains("batch 3 (keys after '" + PersonWorld.key(78) + "' through '" + PersonWorld.key(118) + "')")
                .contains("key '" + PersonWorld.key(90) + "'").contains("[SQLState 22001]")
                .contains("failOnReject").doesNotContain(PersonWorld.SECRET);
        // Every message in its chain is withheld, so logging it quotes no value.
        for (Throwable t = stopped.getCause(); t != null; t = t.getCause()) {
            assertThat(t.getMessage()).contains("message withheld").doesNotContain(PersonWorld.SECRET);
        }
        // As before there was a quarantine: nothing of that batch committed, nothing quarantined. Batch 4 was
        // claimed while batch 3 was being copied; nothing of it was copied, and a later run takes it back.
        assertThat(world.newRows()).hasSize(40);
        assertThat(world.quarantine()).isEmpty();
        assertThat(world.newDatabase.rows("select seq, status from dualrepo_backfill_lease where job = 'persons'"))
                .containsExactly("1 done", "2 copied", "3 active", "4 active");
    }

    @Test
    void failOnRejectStopsAtAQuarantinedRowThatIsStillRejected() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(40, Map.of(25, Bad.ONE_WORD));
        Backfill.builder(world.migration).batchSize(BATCH).build().run();

        BackfillException stopped = catchThrowableOfType(BackfillException.class,
                () -> Backfill.builder(world.migration).batchSize(BATCH).failOnReject().build().run());

        assertThat(stopped.rejected()).isTrue();
        assertThat(stopped.key()).contains(PersonWorld.key(50));
        assertThat(stopped.batch()).isEmpty();
        assertThat(stopped.sqlState()).contains("23502");
        assertThat(world.quarantine()).containsOnlyKeys(PersonWorld.key(50));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aLostConnectionStopsTheRunNamingTheBatchAndQuarantinesNothing(Layout layout) {
        world = PersonWorld.create(layout);
        world.seed(100, Map.of());
        HookedModel<String, Person> newModel = new HookedModel<>(world.migration.newModel());
        AtomicBoolean down = new AtomicBoolean(true);
        String victim = PersonWorld.key(90);
        // The database goes away while batch 3 is written: what Hibernate throws for a broken connection.
        newModel.afterInsertAbsent = (call, values) -> {
            if (down.get() && values.stream().anyMatch(person -> person.id().equals(victim))) {
                throw new JDBCConnectionException("connection lost",
                        new SQLException("An I/O error occurred while sending to the backend", "08006"));
            }
        };

        BackfillException stopped = catchThrowableOfType(BackfillException.class,
                () -> Backfill.builder(world.migration(world.migration.oldModel(), newModel)).batchSize(BATCH)
                        .workerId("worker-1").build().run());

        assertThat(stopped.rejected()).isFalse();
        assertThat(stopped.batch()).hasValue(3);
        assertThat(stopped.key()).isEmpty();
        assertThat(stopped.sqlState()).contains("08006");
        assertThat(stopped.getMessage()).contains("batch 3 (keys after '" + PersonWorld.key(78) + "' through '"
                + PersonWorld.key(118) + "')").contains(JDBCConnectionException.class.getName());
        assertThat(world.quarantine()).isEmpty();
        assertThat(world.newRows()).hasSize(40);

        down.set(false);
        BackfillResult resumed = Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(BATCH).workerId("worker-1").build().run();
        assertThat(resumed.finished()).isTrue();
        assertThat(resumed.rowsInQuarantine()).isZero();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    @Test
    void aNewModelWhoseTableIsMissingStopsTheRunAtItsFirstBatchAndQuarantinesNothing() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(60, Map.of());
        // A real failure that is not a row's: the schema is wrong for every row (SQLState class 42).
        world.newDatabase.execute("drop table persons_v2");

        BackfillException stopped = catchThrowableOfType(BackfillException.class,
                () -> Backfill.builder(world.migration).batchSize(BATCH).build().run());

        assertThat(stopped.rejected()).isFalse();
        assertThat(stopped.sqlState()).hasValueSatisfying(state -> assertThat(state).startsWith("42"));
        assertThat(stopped.batch()).hasValue(1);
        assertThat(world.quarantine()).isEmpty();
    }

    @Test
    void aRunThatRejectsMoreRowsThanAllowedStopsWithTheRowsRecorded() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        // A conversion that rejects everything looks like this: every row bad.
        world.seed(100, PersonWorld.badEvery(100, 1, 0));

        BackfillException stopped = catchThrowableOfType(BackfillException.class,
                () -> Backfill.builder(world.migration).batchSize(BATCH).maxRejectedRows(30).build().run());

        assertThat(stopped.rejected()).isTrue();
        assertThat(stopped.getMessage()).contains("40 rows, more than maxRejectedRows (30)");
        assertThat(stopped.batch()).hasValue(2);
        assertThat(world.quarantine()).hasSize(40);
        assertThat(world.newRows()).isEmpty();
    }

    @Test
    void aRowADualWriteChangesToARejectedValueWhileItIsCopiedIsQuarantinedByTheCheck() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(60, Map.of());
        String key = PersonWorld.key(50);
        HookedModel<String, Person> oldModel = new HookedModel<>(world.migration.oldModel());
        AtomicBoolean once = new AtomicBoolean();
        // Between the batch's read and its insert, the old model's value changes to one the new model rejects (its
        // new-model half, had there been one, failed): the check that re-reads the batch must sync it, and the new
        // model refuses.
        oldModel.afterPage = (call, page) -> {
            if (page.stream().anyMatch(person -> person.id().equals(key)) && once.compareAndSet(false, true)) {
                world.oldDatabase.execute("update persons set name = '" + PersonWorld.SECRET + "mononym' where id = '"
                        + key + "'");
            }
        };

        BackfillResult result = Backfill.builder(world.migration(oldModel, world.migration.newModel()))
                .batchSize(BATCH).build().run();

        assertThat(once).isTrue();
        assertThat(result.finished()).isTrue();
        assertThat(result.rowsRejected()).isEqualTo(1);
        assertThat(world.quarantine()).containsOnlyKeys(key);
        assertThat(world.quarantine().get(key).sqlState()).isEqualTo("23502");
        // The sync rolled back: the new model keeps the value the batch inserted, older than the old model's; the
        // key is quarantined, and the verifier reports it as such.
        assertThat(world.newRows()).hasSize(60);
    }

    @Test
    void aWorkerThatDiesWhileCopyingRowByRowLeavesNoRowForTheWorkerTakingOverToMissInItsCheck() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(60, Map.of(3, Bad.NULL_NAME));
        String deleted = PersonWorld.key(4);
        HookedModel<String, Person> newModel = new HookedModel<>(world.migration.newModel());
        // Batch 1 fails on its null and is copied row by row; at the tenth row the worker dies. Rows before it are
        // committed, and one of them was deleted from the old model after it was read (a dual write whose
        // new-model half ran before the row was inserted, so found nothing to delete).
        newModel.afterInsertAbsent = (call, values) -> {
            if (call == 10) {
                world.oldDatabase.execute("delete from persons where id = '" + deleted + "'");
                throw new HookedModel.Killed("copying row by row");
            }
        };
        catchThrowableOfType(BackfillException.class, () -> Backfill.builder(
                world.migration(world.migration.oldModel(), newModel)).batchSize(BATCH).workerId("worker-1")
                .build().run());
        assertThat(world.newRows()).extracting(Person::id).contains(deleted);

        BackfillResult result = Backfill.builder(world.migration).batchSize(BATCH).workerId("worker-2")
                .clock(Clock.offset(Clock.systemUTC(), Backfill.DEFAULT_LEASE_DURATION.plusSeconds(1))).build().run();

        assertThat(result.finished()).isTrue();
        assertThat(result.rowsRemoved()).isEqualTo(1);
        assertThat(world.newRows()).extracting(Person::id).doesNotContain(deleted);
        assertThat(world.quarantine()).containsOnlyKeys(PersonWorld.key(6));
        assertThat(world.newRows()).hasSize(58);
    }
}
