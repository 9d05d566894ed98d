package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads do not move to a model while keys wait for the repair into it, with the transition rules on and the record
 * in the database: NEW complete on record, then a dual write NEW did not take, then LIVE. Without the barrier the
 * route took effect and the caller read its acknowledged write back absent from NEW (issue 12, case 4's read side).
 */
class ReadsWaitForRepairTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.named("test operator");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TwoDatabases databases;
    private SwitchableFailure oldModel;
    private SwitchableFailure newModel;
    private DatabaseMigrationRecord record;
    private DualRepo dualRepo;
    private IncidentRepository incidents;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        newModel = new SwitchableFailure(new StatusTableIncidents(databases.newSessions));
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).meterRegistry(registry).build();
        record = DatabaseMigrationRecord.builder(databases.oldSessions).build();
        dualRepo = DualRepo.builder().routeSource(routes).migrationRecord(record).meterRegistry(registry)
                .dualWriteScope(scope).build();
        oldModel = new SwitchableFailure(new LegacyIncidents(databases.oldSessions));
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        newCompleteOnRecord();
    }

    @AfterEach
    void tearDown() throws SQLException {
        dualRepo.close();
        databases.close();
    }

    /** Dual writes, a backfill into NEW and a clean verification, each recorded by the job that did it. */
    private void newCompleteOnRecord() {
        incidents.save(new Incident("i-0", "org-1", "written before the migration", "closed"));
        assertThat(take(Stage.DUAL_WRITE)).isEqualTo(Stage.DUAL_WRITE.route());
        Backfill.builder(databases.migration).migrationRecord(record).build().run();
        Verifier.builder(databases.migration).migrationRecord(record).meterRegistry(registry).build().verify();
        dualRepo.refreshRecord("incidents");
        assertThat(dualRepo.migrationState("incidents").newSide().status()).isEqualTo(SideStatus.COMPLETE);
    }

    private Route take(Stage stage) {
        routes.set("incidents", stage);
        incidents.findById("i-0");
        return dualRepo.currentRoute("incidents");
    }

    @Test
    void liveWaitsUntilTheRepairHasBroughtNewTheWriteItMissed() {
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        newModel.failing(false);
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");

        assertThat(take(Stage.LIVE)).isEqualTo(Stage.DUAL_WRITE.route());
        assertThat(dualRepo.lastRefusal("incidents")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("1 key(s) wait for the repair to bring NEW up to date"));
        // Still answered by OLD: the acknowledged write is there.
        assertThat(incidents.findById("i-1")).map(Incident::status).hasValue("fixing");

        PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build().repairNow();
        dualRepo.refreshRecord("incidents");

        assertThat(take(Stage.LIVE)).isEqualTo(Stage.LIVE.route());
        assertThat(incidents.findById("i-1")).map(Incident::status).hasValue("fixing");
        assertThat(dualRepo.migrationRecord().history("incidents", 1).get(0).by()).isEqualTo("test operator");
    }

    /**
     * Found by the model-based test: under LIVE a delete reached NEW and missed OLD (its repair pending); read-through
     * then took effect, and its read of the key, finding nothing in NEW, answered from OLD with the deleted row.
     * Read-through reads OLD too: it waits for the repair into OLD as well.
     */
    @Test
    void readThroughWaitsUntilTheRepairHasBroughtOldTheWriteItMissed() {
        assertThat(take(Stage.SHADOW)).isEqualTo(Stage.SHADOW.route());
        assertThat(take(Stage.LIVE)).isEqualTo(Stage.LIVE.route());
        oldModel.failing(true);
        incidents.deleteById("i-0");
        oldModel.failing(false);
        assertThat(databases.pending(Side.NEW)).containsExactly("i-0 OLD 0");

        routes.set("incidents", Stage.readThrough(Comparison.OFF));
        assertThat(incidents.findById("i-0")).isEmpty();
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.LIVE.route());
        assertThat(dualRepo.lastRefusal("incidents")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("1 key(s) wait for the repair to bring OLD up to date"));

        PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build().repairNow();
        dualRepo.refreshRecord("incidents");

        assertThat(incidents.findById("i-0")).isEmpty();
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.readThrough(Comparison.OFF));
        assertThat(incidents.findById("i-0")).isEmpty();
    }

    @Test
    void aDualWriteStillUnderWayDoesNotHoldReadsBackButOneAProcessLeftBehindDoes() throws SQLException {
        // A row as a dual write leaves it between its two halves: young, untried, not marked as not taken.
        List<Long> inFlight = databases.oldSessions.fromTransaction(session -> PendingSyncTable.defaults()
                .insert(session, "incidents", List.of("i-2"), Side.NEW));
        assertThat(inFlight).hasSize(1);
        assertThat(dualRepo.transitionProblem("incidents", Stage.LIVE.route())).isEmpty();
        assertThat(take(Stage.LIVE)).isEqualTo(Stage.LIVE.route());
        assertThat(take(Stage.SHADOW)).isEqualTo(Stage.SHADOW.route());

        // The same row a minute later: its process died between the two writes, and NEW may lack i-2's write.
        try (Connection connection = databases.oldDatabase.connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("update " + PendingSyncTable.DEFAULT_NAME
                    + " set created_at = created_at - interval '1' minute");
        }
        assertThat(dualRepo.transitionProblem("incidents", Stage.LIVE.route())).hasValueSatisfying(reason ->
                assertThat(reason).contains("1 key(s) wait for the repair to bring NEW up to date"));
        assertThat(take(Stage.LIVE)).isEqualTo(Stage.SHADOW.route());
        assertThat(dualRepo.lastRefusal("incidents")).isPresent();
    }
}
