package io.dualrepo.hibernate.verify;

import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.SharedIncidentRow;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;

/**
 * The incident migration in one of its two layouts, with rows planted by SQL so that each test states exactly what
 * each model holds: new tables ({@code incidents} in one database, {@code incidents_v2} in another), or a new
 * column in the same table ({@code incidents.incident_status_id} next to {@code incidents.status}), where a model
 * "holds nothing" at a key when its column is null.
 */
abstract class IncidentLayout implements AutoCloseable {

    static final String ORGANISATION = "org-1";

    final Migration<String, Incident> migration;

    private IncidentLayout(Migration<String, Incident> migration) {
        this.migration = migration;
    }

    static IncidentLayout of(Layout layout) {
        return layout == Layout.NEW_TABLES ? new NewTables() : new SameTable();
    }

    enum Layout { NEW_TABLES, SAME_TABLE }

    /** Statements waiting for the end of {@link #plantAll}, by database; null while each runs at once. */
    private Map<TestDatabase, List<String>> pending;

    /** Plants what {@code planting} plants in one connection per database: hundreds of rows in well under a second. */
    void plantAll(Runnable planting) {
        pending = new LinkedHashMap<>();
        try {
            planting.run();
            pending.forEach((database, statements) -> database.execute(statements.toArray(String[]::new)));
        } finally {
            pending = null;
        }
    }

    void execute(TestDatabase database, String statement) {
        if (pending != null) {
            pending.computeIfAbsent(database, any -> new ArrayList<>()).add(statement);
        } else {
            database.execute(statement);
        }
    }

    /** Both models hold the incident. */
    void both(String id, String title, String status) {
        differing(id, title, status, status);
    }

    /** OLD holds it, NEW does not. */
    abstract void oldOnly(String id, String title, String status);

    /** NEW holds it, OLD does not. */
    abstract void newOnly(String id, String title, String status);

    /** Both hold it, with different statuses. */
    abstract void differing(String id, String title, String oldStatus, String newStatus);

    /** Changes the status OLD holds. */
    abstract void setOldStatus(String id, String status);

    /** OLD's incidents as "id title status". */
    abstract List<String> oldRows();

    @Override
    public abstract void close() throws SQLException;

    /** NEW's incidents as "id title status". */
    abstract List<String> newRows();

    /** A query on the new model's database (where the verifier keeps its tables), one line per row. */
    abstract List<String> newDatabaseRows(String sql);

    static long statusId(String status) {
        int index = StatusIds.DEFAULTS.indexOf(status);
        if (index < 0) {
            throw new IllegalArgumentException(status);
        }
        return index + 1; // StatusIds.createDefaults numbers the first organisation's statuses from 1
    }

    static SessionFactory withStatuses(TestDatabase database, Class<?>... entities) {
        SessionFactory sessions = database.sessionFactory(entities);
        Transactions.of(sessions).runInTransaction(session -> {
            StatusIds.createDefaults(session, List.of(ORGANISATION));
        });
        return sessions;
    }

    private static final class NewTables extends IncidentLayout {
        private final TestDatabase oldDatabase;
        private final TestDatabase newDatabase;
        private final SessionFactory oldSessions;
        private final SessionFactory newSessions;

        NewTables() {
            this(TestDatabase.create(), TestDatabase.create());
        }

        private NewTables(TestDatabase oldDatabase, TestDatabase newDatabase) {
            this(oldDatabase, newDatabase, oldDatabase.sessionFactory(LegacyIncidentRow.class),
                    withStatuses(newDatabase, IncidentStatusRow.class, StatusTableIncidentRow.class));
        }

        private NewTables(TestDatabase oldDatabase, TestDatabase newDatabase, SessionFactory oldSessions,
                SessionFactory newSessions) {
            super(IncidentModels.newTables(oldSessions, newSessions));
            this.oldDatabase = oldDatabase;
            this.newDatabase = newDatabase;
            this.oldSessions = oldSessions;
            this.newSessions = newSessions;
        }

        @Override
        void oldOnly(String id, String title, String status) {
            execute(oldDatabase, "insert into incidents (id, organisation_id, title, status) values ('" + id + "', '"
                    + ORGANISATION + "', '" + title + "', '" + status + "')");
        }

        @Override
        void newOnly(String id, String title, String status) {
            execute(newDatabase, "insert into incidents_v2 (id, organisation_id, title, incident_status_id) values ('"
                    + id + "', '" + ORGANISATION + "', '" + title + "', " + statusId(status) + ")");
        }

        @Override
        void differing(String id, String title, String oldStatus, String newStatus) {
            oldOnly(id, title, oldStatus);
            newOnly(id, title, newStatus);
        }

        @Override
        void setOldStatus(String id, String status) {
            oldDatabase.execute("update incidents set status = '" + status + "' where id = '" + id + "'");
        }

        @Override
        List<String> oldRows() {
            return oldDatabase.rows("select id, title, status from incidents");
        }

        @Override
        List<String> newRows() {
            return newDatabase.rows("select i.id, i.title, s.name from incidents_v2 i"
                    + " join incident_statuses s on s.id = i.incident_status_id");
        }

        @Override
        List<String> newDatabaseRows(String sql) {
            return newDatabase.rows(sql);
        }

        @Override
        public void close() throws SQLException {
            oldSessions.close();
            newSessions.close();
            oldDatabase.close();
            newDatabase.close();
        }
    }

    private static final class SameTable extends IncidentLayout {
        private final TestDatabase database;
        private final SessionFactory sessions;

        SameTable() {
            this(TestDatabase.create());
        }

        private SameTable(TestDatabase database) {
            this(database, withStatuses(database, SharedIncidentRow.class, IncidentStatusRow.class));
        }

        private SameTable(TestDatabase database, SessionFactory sessions) {
            super(IncidentModels.sameTable(sessions));
            this.database = database;
            this.sessions = sessions;
        }

        @Override
        void oldOnly(String id, String title, String status) {
            insert(id, title, "'" + status + "'", "null");
        }

        @Override
        void newOnly(String id, String title, String status) {
            insert(id, title, "null", String.valueOf(statusId(status)));
        }

        @Override
        void differing(String id, String title, String oldStatus, String newStatus) {
            insert(id, title, "'" + oldStatus + "'", String.valueOf(statusId(newStatus)));
        }

        private void insert(String id, String title, String status, String statusId) {
            execute(database, "insert into incidents (id, organisation_id, title, status, incident_status_id) values ('"
                    + id + "', '" + ORGANISATION + "', '" + title + "', " + status + ", " + statusId + ")");
        }

        @Override
        void setOldStatus(String id, String status) {
            database.execute("update incidents set status = '" + status + "' where id = '" + id + "'");
        }

        @Override
        List<String> oldRows() {
            return database.rows("select id, title, status from incidents where status is not null");
        }

        @Override
        List<String> newRows() {
            return database.rows("select i.id, i.title, s.name from incidents i"
                    + " join incident_statuses s on s.id = i.incident_status_id");
        }

        @Override
        List<String> newDatabaseRows(String sql) {
            return database.rows(sql);
        }

        @Override
        public void close() throws SQLException {
            sessions.close();
            database.close();
        }
    }
}
