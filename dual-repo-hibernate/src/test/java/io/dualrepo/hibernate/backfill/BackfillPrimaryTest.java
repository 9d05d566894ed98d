package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.hibernate.durable.TwoDatabases;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.Origin;
import io.dualrepo.routing.Stage;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill copies OLD into NEW, trusting OLD for which rows exist: once NEW is the primary, a row deleted from NEW
 * alone (OLD no longer written, or its half of the delete failed) would come back in the model serving reads. Found
 * by the model-based test (StageSequencesTest): save under OLD_ONLY, NEW forced complete, RAMPDOWN, NEW_ONLY, delete,
 * backfill, and the deleted row was read back.
 */
class BackfillPrimaryTest {

    private TwoDatabases databases;
    private MigrationRecord record;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        record = DatabaseMigrationRecord.builder(databases.oldSessions).build();
    }

    @AfterEach
    void tearDown() throws SQLException {
        databases.close();
    }

    @Test
    void aBackfillWhileNewIsThePrimaryIsRefusedAndBringsNothingBack() {
        Incident deleted = new Incident("i-1", TwoDatabases.ORGANISATION, "deleted under NEW_ONLY", "fixing");
        databases.put(Side.OLD, deleted);
        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");
        record.force("incidents", Side.NEW, "test", "test");
        record.takeRoute("incidents", Stage.RAMPDOWN.route(), true, Origin.ROUTE_SOURCE, "test");
        record.takeRoute("incidents", Stage.NEW_ONLY.route(), true, Origin.ROUTE_SOURCE, "test");

        Backfill<String, Incident> backfill = Backfill.builder(databases.migration).migrationRecord(record).build();

        assertThatThrownBy(backfill::run).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reads NEW");
        assertThat(newHolds("i-1")).isEmpty();
    }

    @Test
    void aBackfillWhileOldIsThePrimaryCopies() {
        Incident row = new Incident("i-1", TwoDatabases.ORGANISATION, "copied", "fixing");
        databases.put(Side.OLD, row);
        record.takeRoute("incidents", Stage.DUAL_WRITE.route(), true, Origin.ROUTE_SOURCE, "test");

        Backfill.builder(databases.migration).migrationRecord(record).build().run();

        assertThat(newHolds("i-1")).contains(row);
    }

    private Optional<Incident> newHolds(String key) {
        var model = databases.migration.model(Side.NEW);
        return model.transactions().read(session -> model.find(session, key));
    }
}
