package io.dualrepo.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both models in one database behind one SessionFactory: with {@link SameDatabaseScope} a dual write reaches both
 * tables, and with {@link SameDatabaseScope.Builder#bothOrNeither()} one that fails commits in neither, checked on
 * the database itself (H2 by default, PostgreSQL with -Ppostgresql). The default, where a failed secondary write
 * leaves the primary's standing, is {@link SameDatabaseSavepointTest}'s.
 */
class SameDatabaseDualWriteTest {

    private static final String LONG_TITLE = "a title far longer than the new model's forty characters allow";

    private TestDatabase database;
    private SessionFactory sessions;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        sessions = database.sessionFactory(LegacyIncidentRow.class, IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        Transactions.of(sessions).runInTransaction(session -> {
            long id = 1;
            for (String status : List.of("investigating", "fixing", "monitoring", "closed")) {
                session.persist(new IncidentStatusRow(id++, "org-1", status));
            }
        });
    }

    @AfterEach
    void tearDown() throws SQLException {
        sessions.close();
        database.close();
    }

    private IncidentRepository incidents(DualRepo dualRepo) {
        return new DualIncidentRepository(new LegacyIncidents(sessions), new StatusTableIncidents(sessions), dualRepo);
    }

    private DualRepo dualRepo(DualWriteScope scope) {
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        return DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope)
                .comparisonMode(ComparisonMode.SYNC).build();
    }

    @Test
    void aDualWriteReachesBothTables() throws SQLException {
        routes.set("incidents", Stage.DUAL_WRITE);
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.of(sessions))) {
            incidents(dualRepo).save(new Incident("i-1", "org-1", "database slow", "fixing"));
        }

        assertThat(rows("select id, status from incidents")).containsExactly("i-1 fixing");
        assertThat(rows("select i.id, s.name from incidents_v2 i join incident_statuses s on s.id = i.incident_status_id"))
                .containsExactly("i-1 fixing");
    }

    @Test
    void bothOrNeitherWhenTheSecondWriteFailsAfterTheFirstOnesStatementsRanNeitherTableHasTheRow() throws SQLException {
        routes.set("incidents", Stage.DUAL_WRITE);
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.builder(sessions).bothOrNeither().build())) {
            IncidentRepository incidents = incidents(dualRepo);
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

            // OLD takes the update (its statement runs and is flushed), then NEW's database refuses the title.
            assertThatThrownBy(() -> incidents.save(new Incident("i-1", "org-1", LONG_TITLE, "closed")))
                    .isInstanceOf(RuntimeException.class);
            // A status NEW does not have fails in the repository, after OLD's insert was flushed.
            assertThatThrownBy(() -> incidents.save(new Incident("i-2", "org-1", "new one", "escalated")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no status 'escalated'");
        }

        assertThat(rows("select id, title, status from incidents")).containsExactly("i-1 database slow fixing");
        assertThat(rows("select id, title from incidents_v2")).containsExactly("i-1 database slow");
        assertThat(registry.get("dualrepo.secondary.write.failures").tag("method", "save").tag("side", "new").counter().count())
                .isEqualTo(2);
    }

    @Test
    void bothOrNeitherWhenNewIsPrimaryAFailedOldWriteRollsNewBack() throws SQLException {
        routes.set("incidents", Stage.LIVE);
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.builder(sessions).bothOrNeither().build())) {
            IncidentRepository incidents = incidents(dualRepo);
            // NEW is written first and takes it; OLD's table then refuses the title through a check constraint.
            Transactions.of(sessions).runInTransaction(session -> {
                session.createNativeMutationQuery("alter table incidents add constraint no_tbd check (title <> 'tbd')")
                        .executeUpdate();
            });
            assertThatThrownBy(() -> incidents.save(new Incident("i-3", "org-1", "tbd", "fixing")))
                    .isInstanceOf(RuntimeException.class);
        }

        assertThat(rows("select id from incidents_v2")).isEmpty();
        assertThat(rows("select id from incidents")).isEmpty();
    }

    @Test
    void withoutTheScopeTheFirstWriteStandsWhichIsWhatTheScopeIsFor() throws SQLException {
        routes.set("incidents", Stage.DUAL_WRITE);
        try (DualRepo dualRepo = dualRepo(DualWriteScope.NONE)) {
            incidents(dualRepo).save(new Incident("i-2", "org-1", "new one", "escalated"));
        }

        assertThat(rows("select id from incidents")).containsExactly("i-2");
        assertThat(rows("select id from incidents_v2")).isEmpty();
    }

    @Test
    void shadowReadsOnOtherThreadsUseSessionsOfTheirOwn() throws Exception {
        routes.set("incidents", Stage.SHADOW);
        try (DualRepo dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry)
                .dualWriteScope(SameDatabaseScope.of(sessions)).build()) {
            IncidentRepository incidents = incidents(dualRepo);
            for (int i = 0; i < 50; i++) {
                incidents.save(new Incident("i-" + i, "org-1", "incident " + i, "monitoring"));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(incidents.findById("i-" + i)).isPresent();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (registry.get("dualrepo.comparisons").tag("method", "findById").tag("outcome", "match").counter().count() < 50
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(registry.get("dualrepo.comparisons").tag("method", "findById").tag("outcome", "match").counter().count()).isEqualTo(50);
        assertThat(registry.get("dualrepo.comparisons").tag("method", "findById").tag("outcome", "secondary_error").counter().count()).isZero();
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql + " order by 1")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? " " : "").append(result.getString(c));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
