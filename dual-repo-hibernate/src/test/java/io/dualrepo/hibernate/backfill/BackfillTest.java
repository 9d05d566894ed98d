package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.hibernate.backfill.World.Layout;
import io.dualrepo.hibernate.model.Incident;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backfill on its own (no concurrent writers), in each layout, on H2 or PostgreSQL (-Ppostgresql): what it
 * copies, what a second run and a dry run do, and what it reports.
 */
class BackfillTest {

    private World world;

    @AfterEach
    void tearDown() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void copiesEveryOldRowIntoTheNewModelInBatchesThatTileTheKeys(Layout layout) {
        world = World.create(layout);
        List<String> keys = world.seed(250);

        BackfillResult result = Backfill.builder(world.migration).batchSize(40).build().run();

        assertThat(world.newRows()).hasSize(250).isEqualTo(world.oldRows());
        assertThat(result).extracting(BackfillResult::finished, BackfillResult::rowsScanned,
                BackfillResult::rowsWritten, BackfillResult::rowsRemoved, BackfillResult::batches)
                .containsExactly(true, 250L, 250L, 0L, 7L);
        assertThat(world.leaseTiles()).isEqualTo(World.tiling(keys, 40));
        assertThat(world.checkpoint()).isEqualTo(new World.CheckpointRow(keys.get(249), true, 250, 250, 0));
        assertThat(result.toString()).startsWith("backfill incidents: finished, 250 rows scanned, 250 written");
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aSecondRunWritesNothingAndARestartedOneScansEverythingAndStillWritesNothing(Layout layout) {
        world = World.create(layout);
        world.seed(120);
        Backfill.builder(world.migration).batchSize(50).build().run();
        List<Incident> afterFirst = world.newRows();

        BackfillResult second = Backfill.builder(world.migration).batchSize(50).build().run();
        BackfillResult restarted = Backfill.builder(world.migration).batchSize(50).restart().build().run();

        assertThat(second).extracting(BackfillResult::finished, BackfillResult::rowsScanned,
                BackfillResult::rowsWritten, BackfillResult::batches).containsExactly(true, 0L, 0L, 0L);
        assertThat(second.toString()).contains("nothing left to copy");
        assertThat(restarted).extracting(BackfillResult::finished, BackfillResult::rowsScanned,
                BackfillResult::rowsWritten).containsExactly(true, 120L, 0L);
        assertThat(world.newRows()).isEqualTo(afterFirst).isEqualTo(world.oldRows());
        assertThat(world.checkpoint()).extracting(World.CheckpointRow::rowsDone, World.CheckpointRow::rowsWritten)
                .containsExactly(120L, 0L);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aDryRunCountsTheRowsARunWouldWriteAndWritesNothing(Layout layout) {
        world = World.create(layout);
        world.seed(200);
        // 30 rows the new model already holds, 10 of them with another status than the old row: a dry run that
        // wrote, or overwrote, would change what these reads return.
        world.migration.newModel().transactions().runInTransaction(session -> {
            for (int n = 0; n < 30; n++) {
                Incident incident = World.incident(2 * n);
                world.migration.newModel().put(session, n < 10 ? withStatus(incident, "closed") : incident);
            }
        });
        List<Incident> oldBefore = world.oldRows();
        List<Incident> newBefore = world.newRows();

        BackfillResult result = Backfill.builder(world.migration).batchSize(40).dryRun().build().run();

        assertThat(result).extracting(BackfillResult::dryRun, BackfillResult::finished, BackfillResult::rowsScanned,
                BackfillResult::rowsWritten, BackfillResult::batches).containsExactly(true, true, 200L, 170L, 5L);
        assertThat(result.toString()).contains("dry run").contains("170 would be written");
        assertThat(world.oldRows()).isEqualTo(oldBefore);
        assertThat(world.newRows()).isEqualTo(newBefore).hasSize(30);
        assertThat(world.backfillTablesExist()).isFalse();
    }

    @Test
    void aDryRunOfAJobUnderWayLeavesItsCheckpointAlone() {
        world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
        world.seed(100);
        HookedModel<String, Incident> newModel = new HookedModel<>(world.migration.newModel());
        newModel.afterInsertAbsent = HookedModel.killAt(3, "in the third batch");
        assertThatThrownBy(() -> Backfill.builder(world.migration(world.migration.oldModel(), newModel))
                .batchSize(20).build().run()).isInstanceOf(BackfillException.class)
                .hasMessageContaining(HookedModel.Killed.class.getName());
        List<World.LeaseRow> leases = world.leases();
        World.CheckpointRow checkpoint = world.checkpoint();

        BackfillResult dry = Backfill.builder(world.migration).batchSize(20).dryRun().build().run();

        assertThat(dry.rowsWritten()).isEqualTo(60);
        assertThat(world.leases()).isEqualTo(leases);
        assertThat(world.checkpoint()).isEqualTo(checkpoint);
        assertThat(world.newRows()).hasSize(40);
    }

    @Test
    void theListenerAndTheGaugesFollowTheJobToItsTotal() {
        world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
        world.seed(300);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<BackfillProgress> seen = new CopyOnWriteArrayList<>();

        Backfill.builder(world.migration).batchSize(25).meterRegistry(registry).onProgress(seen::add).build().run();

        assertThat(seen).hasSizeGreaterThan(12);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).done()).isGreaterThanOrEqualTo(seen.get(i - 1).done());
        }
        assertThat(seen).allSatisfy(progress -> assertThat(progress.total()).isEqualTo(300));
        BackfillProgress last = seen.get(seen.size() - 1);
        assertThat(last).extracting(BackfillProgress::done, BackfillProgress::total, BackfillProgress::written)
                .containsExactly(300L, 300L, 300L);
        assertThat(last.eta()).contains(Duration.ZERO);
        assertThat(last.fraction()).hasValue(1.0);
        assertThat(seen.get(seen.size() / 2).eta()).isPresent();
        assertThat(gauge(registry, BackfillMetrics.ROWS_DONE)).isEqualTo(300);
        assertThat(gauge(registry, BackfillMetrics.ROWS_TOTAL)).isEqualTo(300);
        assertThat(gauge(registry, BackfillMetrics.ROWS_WRITTEN)).isEqualTo(300);
        assertThat(gauge(registry, BackfillMetrics.ROWS_REMOVED)).isZero();
        assertThat(registry.get(BackfillMetrics.ETA).timeGauge().value(TimeUnit.SECONDS)).isZero();
        assertThat(registry.find("dualrepo.backfill.rate").meters()).as("rates are the backend's to derive").isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheCopy() {
        world = World.create(Layout.NEW_TABLES_ONE_DATABASE);
        world.seed(60);

        BackfillResult result = Backfill.builder(world.migration).batchSize(10).onProgress(progress -> {
            throw new IllegalStateException("the console went away");
        }).build().run();

        assertThat(result.rowsWritten()).isEqualTo(60);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    @Test
    void theThrottleKeepsTheRowsCopiedWithinTheRate() {
        world = World.create(Layout.NEW_TABLES_ONE_DATABASE);
        world.seed(400);
        int rate = 400;
        int batch = 20;
        List<long[]> seen = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();

        BackfillResult result = Backfill.builder(world.migration).batchSize(batch).rowsPerSecond(rate)
                .onProgress(progress -> seen.add(new long[] {System.nanoTime(), progress.done()})).build().run();

        // Upper bounds on rows against elapsed time only: a slow machine makes them easier to meet, never harder.
        for (long[] sample : seen) {
            double seconds = (sample[0] - start) / 1e9;
            assertThat((double) sample[1]).isLessThanOrEqualTo(rate * seconds + batch);
        }
        assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis((400 - batch) * 1000L / rate));
        assertThat(result.rowsWritten()).isEqualTo(400);
    }

    @Test
    void aMisconfigurationFailsAtBuildNamingTheValue() {
        world = World.create(Layout.SAME_TABLE);
        assertThatThrownBy(() -> Backfill.builder(world.migration).batchSize(0))
                .hasMessageContaining("batch size 0");
        assertThatThrownBy(() -> Backfill.builder(world.migration).rowsPerSecond(-5))
                .hasMessageContaining("rate -5.0");
        assertThatThrownBy(() -> Backfill.builder(world.migration).jobName("Incidents Backfill"))
                .hasMessageContaining("'Incidents Backfill'");
        assertThatThrownBy(() -> Backfill.builder(world.migration).batchSize(1000).rowsPerSecond(10)
                .leaseDuration(Duration.ofMinutes(2)).build())
                .hasMessageContaining("PT2M").hasMessageContaining("PT1M40S");
    }

    @Test
    void aJobNameKeepsItsOwnCheckpoint() {
        world = World.create(Layout.NEW_TABLES_TWO_DATABASES);
        world.seed(50);
        Backfill.of(world.migration).run();

        BackfillResult other = Backfill.builder(world.migration).jobName("incidents-again").build().run();

        assertThat(other).extracting(BackfillResult::rowsScanned, BackfillResult::rowsWritten)
                .containsExactly(50L, 0L);
        assertThat(world.query("select job, rows_done from dualrepo_backfill_checkpoint order by job",
                row -> row.getString(1) + " " + row.getLong(2))).containsExactly("incidents 50", "incidents-again 50");
    }

    @Test
    void runningInsideATransactionIsRefused() {
        world = World.create(Layout.NEW_TABLES_ONE_DATABASE);
        Backfill<String, Incident> backfill = Backfill.of(world.migration);

        assertThatThrownBy(() -> world.migration.newModel().transactions().runInTransaction(session -> {
            backfill.run();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a transaction");
    }

    static Incident withStatus(Incident incident, String status) {
        return new Incident(incident.id(), incident.organisationId(), incident.title(), status);
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag(BackfillMetrics.TAG_JOB, World.JOB).gauge().value();
    }
}
