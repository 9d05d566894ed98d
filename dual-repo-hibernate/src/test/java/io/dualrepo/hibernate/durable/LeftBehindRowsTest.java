package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A secondary write that failed a moment ago leaves a young pending row; reads must not move to that model before the
 * repair, although young rows of dual writes still running are let through. Found by {@link StageSequencesTest}:
 * DUAL_WRITE, backfill, clean verification, a save whose NEW write fails, RAMPDOWN taken at once, and the caller read
 * its acknowledged save back as missing.
 */
class LeftBehindRowsTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private TwoDatabases databases;
    private SwitchableFailure newModel;
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        newModel = new SwitchableFailure(new StatusTableIncidents(databases.newSessions));
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).meterRegistry(new SimpleMeterRegistry()).build();
        dualRepo = DualRepo.builder().routeSource(routes).migrationRecord(MigrationRecord.inMemory())
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(new LegacyIncidents(databases.oldSessions), newModel, dualRepo);
        routes.set("incidents", Stage.DUAL_WRITE);
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.DUAL_WRITE.route());
        dualRepo.force("incidents", Side.NEW, "empty before the migration", "test");
    }

    @AfterEach
    void tearDown() throws SQLException {
        dualRepo.close();
        databases.close();
    }

    @Test
    void readsDoNotMoveToAModelThatJustMissedAWrite() {
        newModel.failing(true);
        incidents.save(new Incident("i-1", TwoDatabases.ORGANISATION, "database slow", "fixing"));
        newModel.failing(false);

        routes.set("incidents", Stage.RAMPDOWN);

        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.DUAL_WRITE.route());
        assertThat(dualRepo.lastRefusal("incidents")).get().asString().contains("wait for the repair");
        assertThat(incidents.findById("i-1")).map(Incident::status).isEqualTo(Optional.of("fixing"));

        PendingSyncRepair.builder().migration(databases.migration).meterRegistry(new SimpleMeterRegistry()).build()
                .repairNow();
        dualRepo.refreshRecord("incidents");

        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.RAMPDOWN.route());
        assertThat(incidents.findById("i-1")).map(Incident::status).isEqualTo(Optional.of("fixing"));
    }

    @Test
    void aDualWriteThatBothModelsTookLeavesNothingThatHoldsReadsBack() {
        incidents.save(new Incident("i-1", TwoDatabases.ORGANISATION, "database slow", "fixing"));

        routes.set("incidents", Stage.RAMPDOWN);

        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.RAMPDOWN.route());
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }
}
