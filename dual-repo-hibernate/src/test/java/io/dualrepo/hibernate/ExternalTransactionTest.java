package io.dualrepo.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.FailedWrite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, case 7: a transaction someone else manages through the factory's current session (here Hibernate's
 * {@code thread} context, as Spring's and JTA's contexts do it) is joined, never written beside; a JTA factory is
 * refused when the scope is built. Real SessionFactories configured that way.
 */
class ExternalTransactionTest {

    private TestDatabase database;
    private SessionFactory sessions;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final List<FailedWrite> sunk = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws SQLException {
        if (sessions != null) {
            sessions.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private SessionFactory threadContext() {
        database = TestDatabase.create();
        sessions = database.sessionFactory(Map.of("hibernate.current_session_context_class", "thread"),
                LegacyIncidentRow.class, IncidentStatusRow.class, StatusTableIncidentRow.class);
        SameDatabaseSavepointTest.seedStatuses(sessions);
        return sessions;
    }

    private IncidentRepository incidents(DualRepo dualRepo) {
        return new DualIncidentRepository(new LegacyIncidents(sessions), new StatusTableIncidents(sessions), dualRepo);
    }

    private DualRepo dualRepo(SameDatabaseScope scope) {
        routes.set("incidents", Stage.DUAL_WRITE);
        return DualRepo.builder().routeSource(routes).meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope)
                .failedWriteSink(sunk::add).comparisonMode(ComparisonMode.SYNC).build();
    }

    @Test
    void aDualWriteInTheCurrentSessionsTransactionRollsBackWithIt() {
        threadContext();
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.of(sessions))) {
            Transaction transaction = sessions.getCurrentSession().beginTransaction();
            incidents(dualRepo).save(new Incident("i-1", "org-1", "database slow", "fixing"));
            transaction.rollback();
        }

        assertThat(database.rows("select id from incidents")).isEmpty();
        assertThat(database.rows("select id from incidents_v2")).isEmpty();
    }

    @Test
    void aDualWriteInTheCurrentSessionsTransactionCommitsWithItAndItsFailureIsReportedOnlyThen() {
        threadContext();
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.builder(sessions)
                .migration(IncidentModels.newTables(sessions, sessions), SameDatabaseSavepointTest.KEYS).build())) {
            IncidentRepository incidents = incidents(dualRepo);
            Session current = sessions.getCurrentSession();
            Transaction transaction = current.beginTransaction();
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
            incidents.save(new Incident("i-2", "org-1", SameDatabaseSavepointTest.LONG_TITLE, "closed"));
            assertThat(sunk).as("not before the caller's commit").isEmpty();
            assertThat(current.isOpen()).isTrue();
            transaction.commit();
        }

        assertThat(database.rows("select id from incidents")).containsExactly("i-1", "i-2");
        assertThat(database.rows("select id from incidents_v2")).containsExactly("i-1");
        assertThat(database.rows("select sync_key from dualrepo_pending_sync")).containsExactly("i-2");
        assertThat(sunk).hasSize(1);
    }

    @Test
    void transactionsJoinTheCurrentSessionsTransactionInsteadOfCommittingBesideIt() {
        threadContext();
        Transactions transactions = Transactions.of(sessions);
        Transaction transaction = sessions.getCurrentSession().beginTransaction();
        assertThat(transactions.inTransaction()).isTrue();
        transactions.write(session -> {
            session.persist(new LegacyIncidentRow(new Incident("i-1", "org-1", "database slow", "fixing")));
            return null;
        });
        transactions.runInTransaction(session -> session.persist(
                new LegacyIncidentRow(new Incident("i-2", "org-1", "other", "fixing"))));
        transaction.rollback();

        assertThat(database.rows("select id from incidents")).isEmpty();
        assertThat(transactions.inTransaction()).isFalse();
    }

    @Test
    void aJtaFactoryIsRefusedWhenTheScopeIsBuiltNamingTheSetting() {
        // JTA's coordinator reaches no connection while booting: the dialect is named instead.
        sessions = new Configuration()
                .setProperty("hibernate.connection.url", "jdbc:h2:mem:jta_" + System.nanoTime())
                .setProperty("hibernate.transaction.coordinator_class", "jta")
                .setProperty("hibernate.dialect", "org.hibernate.dialect.H2Dialect")
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .addAnnotatedClass(LegacyIncidentRow.class)
                .buildSessionFactory();

        assertThatThrownBy(() -> SameDatabaseScope.of(sessions))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hibernate.transaction.coordinator_class=jta");
        assertThatThrownBy(() -> SameDatabaseScope.builder(sessions).bothOrNeither().build())
                .isInstanceOf(IllegalStateException.class);
    }
}
