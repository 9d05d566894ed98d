package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.hibernate.SessionFactory;

/**
 * Where {@link StageWorld}'s models live: in two databases with a {@link CrossDatabaseScope}, or in one with a
 * {@link SameDatabaseScope} (savepoints, the default). Either way NEW is {@code incidents_v2} with its status table,
 * and the migration record is in OLD's database.
 */
interface StageLayout extends AutoCloseable {

    SessionFactory oldSessions();

    SessionFactory newSessions();

    Migration<String, Incident> migration();

    /** A new scope, as a restarted process builds it. */
    DualWriteScope scope();

    /** Empties the data, the pending-sync rows, the record and the backfill's tables. */
    void reset();

    /**
     * Whether the secondary's write runs after the primary's transaction committed (so a write held there holds no
     * lock), rather than in a savepoint of it.
     */
    boolean secondaryOutsideTransaction();

    /** Pending-sync rows, in whichever database they are. */
    long pendingRows();

    @Override
    void close() throws SQLException;

    static StageLayout twoDatabases() {
        TwoDatabases databases = TwoDatabases.inMemory();
        return new StageLayout() {
            @Override
            public SessionFactory oldSessions() {
                return databases.oldSessions;
            }

            @Override
            public SessionFactory newSessions() {
                return databases.newSessions;
            }

            @Override
            public Migration<String, Incident> migration() {
                return databases.migration;
            }

            @Override
            public DualWriteScope scope() {
                return CrossDatabaseScope.builder().migration(databases.migration, TwoDatabases.KEYS)
                        .meterRegistry(new SimpleMeterRegistry()).build();
            }

            @Override
            public void reset() {
                databases.oldDatabase.execute("delete from incidents", "delete from " + PendingSyncTable.DEFAULT_NAME,
                        "delete from " + DatabaseMigrationRecord.DEFAULT_TABLE,
                        "delete from " + DatabaseMigrationRecord.DEFAULT_TABLE + "_history");
                databases.newDatabase.execute("delete from incidents_v2",
                        "delete from " + PendingSyncTable.DEFAULT_NAME, "delete from dualrepo_backfill_lease",
                        "delete from dualrepo_backfill_checkpoint");
            }

            @Override
            public boolean secondaryOutsideTransaction() {
                return true;
            }

            @Override
            public long pendingRows() {
                return databases.pending(Side.OLD).size() + databases.pending(Side.NEW).size();
            }

            @Override
            public void close() throws SQLException {
                databases.close();
            }

            @Override
            public String toString() {
                return "two databases, CrossDatabaseScope";
            }
        };
    }

    static StageLayout oneDatabase() {
        return oneDatabase(UnaryOperator.identity());
    }

    /** One database, the migration (the scope's and the repair's) as {@code models} wraps it: for hooks in it. */
    static StageLayout oneDatabase(UnaryOperator<Migration<String, Incident>> models) {
        TestDatabase database = TestDatabase.create();
        SessionFactory sessions = database.sessionFactory(LegacyIncidentRow.class, IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        Transactions.of(sessions).runInTransaction(session -> {
            StatusIds.createDefaults(session, List.of(TwoDatabases.ORGANISATION));
        });
        Migration<String, Incident> migration = models.apply(IncidentModels.newTables(sessions, sessions));
        PendingSyncTable.defaults().createIfMissing(sessions);
        return new StageLayout() {
            @Override
            public SessionFactory oldSessions() {
                return sessions;
            }

            @Override
            public SessionFactory newSessions() {
                return sessions;
            }

            @Override
            public Migration<String, Incident> migration() {
                return migration;
            }

            @Override
            public DualWriteScope scope() {
                return SameDatabaseScope.builder(sessions).migration(migration, TwoDatabases.KEYS).build();
            }

            @Override
            public void reset() {
                database.execute("delete from incidents", "delete from incidents_v2",
                        "delete from " + PendingSyncTable.DEFAULT_NAME,
                        "delete from " + DatabaseMigrationRecord.DEFAULT_TABLE,
                        "delete from " + DatabaseMigrationRecord.DEFAULT_TABLE + "_history",
                        "delete from dualrepo_backfill_lease", "delete from dualrepo_backfill_checkpoint");
            }

            @Override
            public boolean secondaryOutsideTransaction() {
                return false;
            }

            @Override
            public long pendingRows() {
                return database.rows("select id from " + PendingSyncTable.DEFAULT_NAME).size();
            }

            @Override
            public void close() throws SQLException {
                sessions.close();
                database.close();
            }

            @Override
            public String toString() {
                return "one database, SameDatabaseScope";
            }
        };
    }
}
