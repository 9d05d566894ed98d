package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.TestDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.SameTableIncidents;
import io.dualrepo.hibernate.model.SharedIncidentRow;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hibernate.SessionFactory;

/**
 * The incident migration in one of its layouts, on test databases: seeded old rows, the migration over them, a
 * dual-writing repository, and readers for both models and for the backfill's tables.
 */
final class World implements AutoCloseable {

    static final String JOB = "incidents";
    static final List<String> ORGANISATIONS = List.of("org-1", "org-2", "org-3");

    enum Layout {
        /** New tables in another database: no shared transaction, checkpoint in the new database. */
        NEW_TABLES_TWO_DATABASES,
        /** New tables next to the old ones behind one SessionFactory. */
        NEW_TABLES_ONE_DATABASE,
        /** A new column in the old table: "missing in the new model" is a null column. */
        SAME_TABLE
    }

    /** One lease row, as the tiling assertions compare it. */
    record LeaseRow(long seq, String startKey, String endKey, String status, long rowsDone, long rowsWritten,
            long rowsRemoved, String owner, int attempts) {
        LeaseRow tile() {
            return new LeaseRow(seq, startKey, endKey, status, rowsDone, rowsWritten, rowsRemoved, null, 0);
        }
    }

    record CheckpointRow(String lastKey, boolean finished, long rowsDone, long rowsWritten, long rowsRemoved) {}

    final Layout layout;
    private final TestDatabase oldDatabase;
    private final TestDatabase newDatabase;
    final SessionFactory oldSessions;
    final SessionFactory newSessions;
    final Migration<String, Incident> migration;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private DualRepo dualRepo;

    private World(Layout layout) {
        this.layout = layout;
        switch (layout) {
            case NEW_TABLES_TWO_DATABASES -> {
                oldDatabase = TestDatabase.create();
                newDatabase = TestDatabase.create();
                oldSessions = oldDatabase.sessionFactory(LegacyIncidentRow.class);
                newSessions = newDatabase.sessionFactory(IncidentStatusRow.class, StatusTableIncidentRow.class);
                migration = IncidentModels.newTables(oldSessions, newSessions);
            }
            case NEW_TABLES_ONE_DATABASE -> {
                oldDatabase = TestDatabase.create();
                newDatabase = oldDatabase;
                oldSessions = oldDatabase.sessionFactory(LegacyIncidentRow.class, IncidentStatusRow.class,
                        StatusTableIncidentRow.class);
                newSessions = oldSessions;
                migration = IncidentModels.newTables(oldSessions, newSessions);
            }
            default -> {
                oldDatabase = TestDatabase.create();
                newDatabase = oldDatabase;
                oldSessions = oldDatabase.sessionFactory(SharedIncidentRow.class, IncidentStatusRow.class);
                newSessions = oldSessions;
                migration = IncidentModels.sameTable(oldSessions);
            }
        }
        Transactions.of(newSessions).runInTransaction(session -> {
            StatusIds.createDefaults(session, ORGANISATIONS);
        });
    }

    static World create(Layout layout) {
        return new World(layout);
    }

    static String key(int i) {
        return String.format(Locale.ROOT, "i-%05d", i);
    }

    static Incident incident(int i) {
        return new Incident(key(i), ORGANISATIONS.get(i % ORGANISATIONS.size()), "incident " + i,
                StatusIds.DEFAULTS.get(i % StatusIds.DEFAULTS.size()));
    }

    /** Old rows {@code i-00000}, {@code i-00002}, ... ({@code count} of them, even numbers: odd keys are free). */
    List<String> seed(int count) {
        List<String> keys = new ArrayList<>();
        try (Connection connection = oldDatabase.connect();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into incidents (id, organisation_id, title, status) values (?, ?, ?, ?)")) {
            for (int n = 0; n < count; n++) {
                Incident incident = incident(2 * n);
                insert.setString(1, incident.id());
                insert.setString(2, incident.organisationId());
                insert.setString(3, incident.title());
                insert.setString(4, incident.status());
                insert.addBatch();
                keys.add(incident.id());
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    /** A migration whose models are these wrappers around this world's. */
    Migration<String, Incident> migration(KeyedModel<String, Incident> oldModel,
            KeyedModel<String, Incident> newModel) {
        return Migration.of(migration.name(), migration.keyType(), oldModel, newModel);
    }

    List<Incident> oldRows() {
        return rows(migration.oldModel());
    }

    List<Incident> newRows() {
        return rows(migration.newModel());
    }

    private static List<Incident> rows(KeyedModel<String, Incident> model) {
        List<Incident> rows = new ArrayList<>();
        String after = null;
        while (true) {
            String from = after;
            List<Incident> page = model.transactions().read(session -> model.page(session, from, 500));
            rows.addAll(page);
            if (page.isEmpty()) {
                return rows;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * Dual writes as the application makes them, in DUAL_WRITE: both or neither where both models share a database,
     * so that a write refused for racing the copy is refused whole and the races' tests need no repair pass.
     */
    IncidentRepository dualRepository() {
        return dualRepository(newRepository -> newRepository);
    }

    /** As {@link #dualRepository()}, with the new model's repository wrapped (to pause a dual write inside it). */
    IncidentRepository dualRepository(java.util.function.UnaryOperator<IncidentRepository> wrapNew) {
        if (dualRepo == null) {
            routes.set("incidents", Stage.DUAL_WRITE);
            DualWriteScope scope = layout == Layout.NEW_TABLES_TWO_DATABASES ? DualWriteScope.NONE
                    : SameDatabaseScope.builder(oldSessions).bothOrNeither().build();
            dualRepo = DualRepo.builder().routeSource(routes).meterRegistry(new SimpleMeterRegistry())
                    .dualWriteScope(scope).comparisonMode(ComparisonMode.SYNC).build();
        }
        return layout == Layout.SAME_TABLE
                ? new DualIncidentRepository(new SameTableIncidents(oldSessions, Side.OLD),
                        wrapNew.apply(new SameTableIncidents(oldSessions, Side.NEW)), dualRepo)
                : new DualIncidentRepository(new LegacyIncidents(oldSessions),
                        wrapNew.apply(new StatusTableIncidents(newSessions)), dualRepo);
    }

    List<LeaseRow> leases() {
        return query("select seq, start_key, end_key, status, rows_done, rows_written, rows_removed, owner, attempts"
                + " from dualrepo_backfill_lease where job = '" + JOB + "' order by seq", row -> new LeaseRow(
                row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getLong(5), row.getLong(6),
                row.getLong(7), row.getString(8), row.getInt(9)));
    }

    CheckpointRow checkpoint() {
        List<CheckpointRow> rows = query("select last_key, finished, rows_done, rows_written, rows_removed from"
                + " dualrepo_backfill_checkpoint where job = '" + JOB + "'", row -> new CheckpointRow(row.getString(1),
                row.getBoolean(2), row.getLong(3), row.getLong(4), row.getLong(5)));
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    boolean backfillTablesExist() {
        try (Connection connection = newDatabase.connect();
                // Only this test's schema: on PostgreSQL other schemas (other tests, other runs) have such tables.
                ResultSet tables = connection.getMetaData().getTables(null, connection.getSchema(), "%", null)) {
            while (tables.next()) {
                if (tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT).startsWith("dualrepo_backfill")) {
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The leases an uninterrupted run with this batch size makes over these keys: consecutive batches, each one
     * starting after the last key of the one before, every row read once and written once.
     */
    static List<LeaseRow> tiling(List<String> keys, int batchSize) {
        List<LeaseRow> leases = new ArrayList<>();
        for (int from = 0, seq = 1; from < keys.size(); from += batchSize, seq++) {
            int to = Math.min(keys.size(), from + batchSize);
            leases.add(new LeaseRow(seq, from == 0 ? null : keys.get(from - 1), keys.get(to - 1), "done", to - from,
                    to - from, 0, null, 0));
        }
        return leases;
    }

    List<LeaseRow> leaseTiles() {
        return leases().stream().map(LeaseRow::tile).toList();
    }

    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    <T> List<T> query(String sql, RowReader<T> reader) {
        try (Connection connection = newDatabase.connect();
                PreparedStatement select = connection.prepareStatement(sql);
                ResultSet rows = select.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(reader.read(rows));
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        if (dualRepo != null) {
            dualRepo.close();
        }
        oldSessions.close();
        if (newSessions != oldSessions) {
            newSessions.close();
        }
        oldDatabase.close();
        if (newDatabase != oldDatabase) {
            newDatabase.close();
        }
    }
}
