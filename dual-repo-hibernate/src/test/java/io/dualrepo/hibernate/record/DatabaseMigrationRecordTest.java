package io.dualrepo.hibernate.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteRefusedException;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The record in a real database (H2, or PostgreSQL with -Ppostgresql), shared by instances that each have their own
 * session factory and route source, as the processes of a fleet do.
 */
class DatabaseMigrationRecordTest {

    private TestDatabase database;
    private SessionFactory first;
    private SessionFactory second;

    @BeforeEach
    void open() {
        database = TestDatabase.create();
        first = database.sessionFactory();
        second = TestDatabase.attach(database.url(), database.user());
    }

    @AfterEach
    void close() throws Exception {
        first.close();
        second.close();
        database.close();
    }

    private static DualRepo instance(MigrationRecord record, InMemoryRouteSource routes) {
        return DualRepo.builder().routeSource(routes).migrationRecord(record)
                .meterRegistry(new SimpleMeterRegistry()).build();
    }

    private static Route offer(DualRepo instance, InMemoryRouteSource routes, Stage stage) {
        routes.set("incidents", stage);
        return instance.currentRoute("incidents");
    }

    @Test
    void whatIsRecordedReadsBackTheSameWithItsHistoryNewestFirst() {
        MigrationRecord record = DatabaseMigrationRecord.builder(first).build();
        assertThat(record.read("incidents")).isEmpty();

        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "flags");
        Instant started = Instant.now();
        record.recordBackfill("incidents", Side.NEW, started, Instant.now(), 0, "backfill incidents");
        record.recordVerification("incidents", Instant.now(), true, "4,133 keys on each side", "verifier");
        MigrationState live = record.takeRoute("incidents", Stage.LIVE.route(), true, Origin.ROUTE_SOURCE, "flags");

        MigrationState readBack = DatabaseMigrationRecord.builder(second).build().read("incidents").orElseThrow();
        assertThat(readBack).isEqualTo(live);
        assertThat(readBack.version()).isEqualTo(4);
        assertThat(readBack.newSide().status()).isEqualTo(SideStatus.COMPLETE);
        List<RecordEntry> history = record.history("incidents", 10);
        assertThat(history).extracting(RecordEntry::origin)
                .containsExactly(Origin.ROUTE_SOURCE, Origin.VERIFICATION, Origin.BACKFILL, Origin.ROUTE_SOURCE);
        assertThat(history.get(0).from()).isEqualTo(Stage.DUAL_WRITE.route());
        assertThat(history.get(0).to()).isEqualTo(Stage.LIVE.route());
        assertThat(history.get(1).detail()).contains("4,133 keys").contains("NEW is complete");
        assertThat(history.get(2).by()).isEqualTo("backfill incidents");
    }

    /** A table an earlier version created lacks the rows-verified columns: building the record adds them. */
    @Test
    void aTableFromBeforeRowVerificationsGainsItsColumns() {
        String sides = "%1$s_status varchar(12) not null, %1$s_since timestamp with time zone not null, "
                + "%1$s_backfilled_at timestamp with time zone, %1$s_missed_since timestamp with time zone, "
                + "%1$s_forced boolean not null";
        database.execute("create table " + DatabaseMigrationRecord.DEFAULT_TABLE
                + " (repository varchar(200) primary key, version bigint not null, read_source varchar(12) not null, write_targets varchar(4) not null,"
                + " compare_ratio double precision not null, route_since timestamp with time zone not null, "
                + sides.formatted("old") + ", " + sides.formatted("new") + ")");
        MigrationRecord record = DatabaseMigrationRecord.builder(first).build();
        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "flags");
        Instant started = Instant.now();

        record.recordRowsVerified("incidents", Side.NEW, started, "rows only missing from NEW", "verifier");

        assertThat(DatabaseMigrationRecord.builder(second).build().state("incidents").newSide().rowsVerifiedAt())
                .isEqualTo(started.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void twoWritersOfTheSameVersionCannotBothWin() {
        MigrationRecord one = DatabaseMigrationRecord.builder(first).build();
        MigrationRecord other = DatabaseMigrationRecord.builder(second).build();
        one.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "one");
        MigrationState seen = other.read("incidents").orElseThrow();
        RecordEntry entry = new RecordEntry(Instant.now(), Origin.FORCE, null, null, "test", "test");
        MigrationState next = new MigrationState(seen.version() + 1, seen.route(), seen.routeSince(), seen.oldSide(),
                seen.newSide());

        assertThat(one.compareAndSet("incidents", seen.version(), next, entry)).isTrue();
        assertThat(other.compareAndSet("incidents", seen.version(), next, entry)).isFalse();
        assertThat(other.compareAndSet("orders", 0, MigrationState.initial(Instant.now()), entry)).isTrue();
        assertThat(one.compareAndSet("orders", 0, MigrationState.initial(Instant.now()), entry)).isFalse();
        assertThat(one.history("incidents", 10)).hasSize(2);
    }

    @Test
    void anInstanceStartingWithoutRoutesTakesTheFleetsLastRoute() {
        InMemoryRouteSource routes = InMemoryRouteSource.create();
        try (DualRepo running = instance(DatabaseMigrationRecord.builder(first).build(), routes)) {
            offer(running, routes, Stage.DUAL_WRITE);
            MigrationRecord record = running.migrationRecord();
            Instant started = Instant.now();
            record.recordBackfill("incidents", Side.NEW, started, Instant.now(), 0, "backfill");
            record.recordVerification("incidents", Instant.now(), true, "clean", "verifier");
            offer(running, routes, Stage.LIVE);
            assertThat(offer(running, routes, Stage.NEW_ONLY)).isEqualTo(Stage.NEW_ONLY.route());
        }
        // Another process, its flag service down: no route from its source at all.
        try (DualRepo restarted = instance(DatabaseMigrationRecord.builder(second).build(),
                InMemoryRouteSource.create())) {
            assertThat(restarted.currentRoute("incidents")).isEqualTo(Stage.NEW_ONLY.route());
        }
    }

    @Test
    void anInstanceWhoseFlagsLagCannotTakeBackWhatTheFleetMovedOn() {
        InMemoryRouteSource ahead = InMemoryRouteSource.create();
        InMemoryRouteSource behind = InMemoryRouteSource.create();
        try (DualRepo leader = instance(DatabaseMigrationRecord.builder(first).build(), ahead);
                DualRepo lagging = instance(DatabaseMigrationRecord.builder(second).recheckInterval(
                        java.time.Duration.ZERO).build(), behind)) {
            offer(leader, ahead, Stage.DUAL_WRITE);
            leader.force("incidents", Side.NEW, "verified by hand", "alice");
            offer(leader, ahead, Stage.LIVE);
            assertThat(offer(leader, ahead, Stage.NEW_ONLY)).isEqualTo(Stage.NEW_ONLY.route());

            // The lagging instance's source still says SHADOW: reading OLD, which nobody writes any more.
            assertThat(offer(lagging, behind, Stage.SHADOW)).isEqualTo(Stage.NEW_ONLY.route());
            assertThat(lagging.lastRefusal("incidents")).get().asString().contains("OLD cannot serve reads");
            assertThat(lagging.migrationRecord().history("incidents", 1).get(0).to())
                    .isEqualTo(Stage.NEW_ONLY.route());
        }
    }

    @Test
    void aRefusedRouteChangesNothingInTheRecord() {
        MigrationRecord record = DatabaseMigrationRecord.builder(first).build();
        record.takeRoute("incidents", Stage.OLD_ONLY.route(), true, Origin.DEFAULT_ROUTE, "default route");

        assertThatThrownBy(() -> record.takeRoute("incidents", Stage.NEW_ONLY.route(), true, Origin.ROUTE_SOURCE,
                "flags")).isInstanceOf(RouteRefusedException.class).hasMessageContaining("never been written");
        assertThat(record.read("incidents")).map(MigrationState::version).isEqualTo(Optional.of(1L));
        assertThat(record.history("incidents", 10)).hasSize(1);
    }

    @Test
    void badTableNamesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> DatabaseMigrationRecord.builder(first).table("x; drop table y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x; drop table y'");
    }
}
