package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;

/**
 * The incident migration across two databases: OLD ({@code incidents}, status text) in one, NEW ({@code
 * incidents_v2} and its status table) in another, each with a session factory of its own.
 */
public final class TwoDatabases implements AutoCloseable {

    public static final String ORGANISATION = "org-1";
    public static final WriteKeys<String> KEYS = WriteKeys.<String>builder()
            .on("save", arguments -> ((Incident) arguments.get(0)).id())
            .on("deleteById", arguments -> (String) arguments.get(0))
            .on("updateStatus", arguments -> (String) arguments.get(0))
            .build();

    public final TestDatabase oldDatabase;
    public final TestDatabase newDatabase;
    public final SessionFactory oldSessions;
    public final SessionFactory newSessions;
    public final Migration<String, Incident> migration;

    private TwoDatabases(TestDatabase oldDatabase, TestDatabase newDatabase) {
        this(oldDatabase, newDatabase, Map.of());
    }

    private TwoDatabases(TestDatabase oldDatabase, TestDatabase newDatabase, Map<String, String> newSettings) {
        this.oldDatabase = oldDatabase;
        this.newDatabase = newDatabase;
        this.oldSessions = oldDatabase.sessionFactory(LegacyIncidentRow.class);
        this.newSessions = newDatabase.sessionFactory(newSettings, IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        Transactions.of(newSessions).runInTransaction(session -> {
            StatusIds.createDefaults(session, List.of(ORGANISATION));
        });
        this.migration = IncidentModels.newTables(oldSessions, newSessions);
        // The tables exist before any test counts their rows, whichever component a test builds first.
        PendingSyncTable.defaults().createIfMissing(oldSessions);
        PendingSyncTable.defaults().createIfMissing(newSessions);
    }

    public static TwoDatabases inMemory() {
        return new TwoDatabases(TestDatabase.create(), TestDatabase.create());
    }

    /** As {@link #inMemory()}, with extra Hibernate settings for NEW's session factory. */
    public static TwoDatabases inMemory(Map<String, String> newSettings) {
        return new TwoDatabases(TestDatabase.create(), TestDatabase.create(), newSettings);
    }

    /** Databases a child process can write to while this process has them open. */
    public static TwoDatabases shared() {
        return new TwoDatabases(TestDatabase.createShared(), TestDatabase.createShared());
    }

    TestDatabase database(Side side) {
        return side == Side.OLD ? oldDatabase : newDatabase;
    }

    /** The OLD model's incidents as "id title status". */
    List<String> oldIncidents() {
        return oldDatabase.rows("select id, title, status from incidents");
    }

    /** The NEW model's incidents as "id title status". */
    public List<String> newIncidents() {
        return newDatabase.rows("select i.id, i.title, s.name from incidents_v2 i"
                + " join incident_statuses s on s.id = i.incident_status_id");
    }

    /** The pending-sync rows in one model's database as "key target attempts". */
    public List<String> pending(Side database) {
        return database(database).rows("select sync_key, target_side, attempts from " + PendingSyncTable.DEFAULT_NAME);
    }

    /** Writes an incident straight into one model, as if it had always been there. */
    public void put(Side side, Incident incident) {
        var model = migration.model(side);
        model.transactions().runInTransaction(session -> {
            model.put(session, incident);
        });
    }

    @Override
    public void close() throws SQLException {
        oldSessions.close();
        newSessions.close();
        oldDatabase.close();
        newDatabase.close();
    }
}
