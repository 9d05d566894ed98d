package io.dualrepo.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.WriteKeys;
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
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, case 7: with both models behind one SessionFactory, a bug in the new model (a title too long for its
 * column, a status it does not know) must not fail production writes. The secondary runs in a savepoint; a failure
 * rolls back only it, leaves a pending-sync row in the same transaction, and is logged and sunk only once the
 * primary's write has committed. Checked on the database itself (H2, PostgreSQL with -Ppostgresql).
 */
class SameDatabaseSavepointTest {

    static final String LONG_TITLE = "a title far longer than the new model's forty characters allow";
    static final WriteKeys<String> KEYS = WriteKeys.<String>builder()
            .on("save", arguments -> ((Incident) arguments.get(0)).id())
            .on("deleteById", arguments -> (String) arguments.get(0))
            .build();

    private TestDatabase database;
    private SessionFactory sessions;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<FailedWrite> sunk = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> writeLog = new ListAppender<>();

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        sessions = database.sessionFactory(LegacyIncidentRow.class, IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        seedStatuses(sessions);
        writeLog.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo.SecondaryWrite")).addAppender(writeLog);
        routes.set("incidents", Stage.DUAL_WRITE);
    }

    static void seedStatuses(SessionFactory sessions) {
        Transactions.of(sessions).runInTransaction(session -> {
            long id = 1;
            for (String status : List.of("investigating", "fixing", "monitoring", "closed")) {
                session.persist(new IncidentStatusRow(id++, "org-1", status));
            }
        });
    }

    @AfterEach
    void tearDown() throws SQLException {
        ((Logger) LoggerFactory.getLogger("io.dualrepo.SecondaryWrite")).detachAppender(writeLog);
        sessions.close();
        database.close();
    }

    private DualRepo dualRepo(DualWriteScope scope, SecondaryWriteFailurePolicy policy) {
        return DualRepo.builder().routeSource(routes).meterRegistry(registry).dualWriteScope(scope)
                .secondaryWriteFailurePolicy(policy).failedWriteSink(sunk::add)
                .comparisonMode(ComparisonMode.SYNC).build();
    }

    private IncidentRepository incidents(DualRepo dualRepo) {
        return new DualIncidentRepository(new LegacyIncidents(sessions), new StatusTableIncidents(sessions), dualRepo);
    }

    private SameDatabaseScope scopeWithKeys() {
        return SameDatabaseScope.builder(sessions).migration(IncidentModels.newTables(sessions, sessions), KEYS)
                .build();
    }

    private double failures() {
        // One counter per method: add them up rather than take whichever the registry finds first.
        return registry.get("dualrepo.secondary.write.failures").tag("side", "new").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private List<String> reachedOldNotNew() {
        return writeLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains("write reached OLD but not NEW")).toList();
    }

    @Test
    void aNewModelColumnTooShortNoLongerFailsTheWriteThePrimaryCommitsAndTheKeyWaitsForTheRepair() {
        try (DualRepo dualRepo = dualRepo(scopeWithKeys(), SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            IncidentRepository incidents = incidents(dualRepo);
            incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));

            // OLD takes the update; NEW's column refuses the title during its flush, inside the savepoint.
            incidents.save(new Incident("i-1", "org-1", LONG_TITLE, "closed"));
            incidents.save(new Incident("i-2", "org-1", "second one", "monitoring"));
        }

        assertThat(database.rows("select id, title, status from incidents"))
                .containsExactly("i-1 " + LONG_TITLE + " closed", "i-2 second one monitoring");
        assertThat(database.rows("select id, title from incidents_v2"))
                .containsExactly("i-1 database slow", "i-2 second one");
        assertThat(database.rows("select repository, sync_key, target_side from dualrepo_pending_sync"))
                .containsExactly("incidents i-1 NEW");
        assertThat(sunk).singleElement().satisfies(failed -> {
            assertThat(failed.failedSide()).isEqualTo(Side.NEW);
            assertThat(failed.method()).isEqualTo("save");
        });
        assertThat(failures()).isEqualTo(1);
        assertThat(reachedOldNotNew()).hasSize(1);
        assertThat(writeLog.list).noneMatch(event -> event.getFormattedMessage().contains(LONG_TITLE));
    }

    @Test
    void theRowLeftByAFailedSecondaryLetsTheRepairBringNewUpToDateOnceItsBugIsFixed() {
        try (DualRepo dualRepo = dualRepo(scopeWithKeys(), SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            // NEW has no status 'escalated': its repository throws after OLD's insert was flushed.
            incidents(dualRepo).save(new Incident("i-2", "org-1", "new one", "escalated"));
        }
        assertThat(database.rows("select id, status from incidents")).containsExactly("i-2 escalated");
        assertThat(database.rows("select id from incidents_v2")).isEmpty();

        Transactions.of(sessions).runInTransaction(session -> session.persist(
                new IncidentStatusRow(5, "org-1", "escalated")));
        try (PendingSyncRepair repair = PendingSyncRepair.builder()
                .migration(IncidentModels.newTables(sessions, sessions)).meterRegistry(registry).build()) {
            assertThat(repair.repairNow().keysSynced()).isEqualTo(1);
        }
        assertThat(database.rows("select i.id, s.name from incidents_v2 i join incident_statuses s"
                + " on s.id = i.incident_status_id")).containsExactly("i-2 escalated");
        assertThat(database.rows("select id from dualrepo_pending_sync")).isEmpty();
    }

    @Test
    void theCallersOwnWorkInItsTransactionStillCommitsWhenTheSecondaryFailsInTheMiddle() {
        try (DualRepo dualRepo = dualRepo(scopeWithKeys(), SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            IncidentRepository incidents = incidents(dualRepo);
            Transactions.of(sessions).runInTransaction(session -> {
                LegacyIncidentRow before = new LegacyIncidentRow(new Incident("c-1", "org-1", "unflushed", "fixing"));
                session.persist(before);
                incidents.save(new Incident("i-1", "org-1", LONG_TITLE, "closed"));
                // The caller's session is the one it had: its entity is still managed and its change is flushed.
                before.copy(new Incident("c-1", "org-1", "changed after", "closed"));
                assertThat(session.contains(before)).isTrue();
            });
            assertThat(sunk).as("reported once the caller's transaction committed").hasSize(1);
        }

        assertThat(database.rows("select id, title, status from incidents"))
                .containsExactly("c-1 changed after closed", "i-1 " + LONG_TITLE + " closed");
        assertThat(database.rows("select id from incidents_v2")).isEmpty();
        assertThat(database.rows("select sync_key, target_side from dualrepo_pending_sync")).containsExactly("i-1 NEW");
    }

    @Test
    void aCallersTransactionThatRollsBackLeavesNoReportNoRowAndNoWrite() {
        try (DualRepo dualRepo = dualRepo(scopeWithKeys(), SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            IncidentRepository incidents = incidents(dualRepo);
            assertThatThrownBy(() -> Transactions.of(sessions).runInTransaction(session -> {
                incidents.save(new Incident("i-1", "org-1", LONG_TITLE, "closed"));
                throw new IllegalStateException("the caller changes its mind");
            })).hasMessage("the caller changes its mind");
        }

        assertThat(database.rows("select id from incidents")).isEmpty();
        assertThat(database.rows("select id from dualrepo_pending_sync")).isEmpty();
        assertThat(sunk).isEmpty();
        assertThat(reachedOldNotNew()).isEmpty();
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void underFailCallTheCallerGetsTheFailureAfterThePrimarysWriteCommitted() {
        try (DualRepo dualRepo = dualRepo(scopeWithKeys(), SecondaryWriteFailurePolicy.FAIL_CALL)) {
            assertThatThrownBy(() -> incidents(dualRepo).save(new Incident("i-2", "org-1", "new one", "escalated")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no status 'escalated'");
        }

        assertThat(database.rows("select id from incidents")).containsExactly("i-2");
        assertThat(database.rows("select sync_key from dualrepo_pending_sync")).containsExactly("i-2");
        assertThat(sunk).hasSize(1);
    }

    @Test
    void withoutWriteKeysTheScopeSaysSoWhenBuiltAndTheFailureReachesTheSinkOnly() {
        ListAppender<ILoggingEvent> scopeLog = new ListAppender<>();
        scopeLog.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SameDatabaseScope.class);
        logger.addAppender(scopeLog);
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.of(sessions),
                SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            assertThat(scopeLog.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                    .contains("without write keys").contains(".migration(migration, writeKeys)"));
            incidents(dualRepo).save(new Incident("i-1", "org-1", LONG_TITLE, "closed"));
        } finally {
            logger.detachAppender(scopeLog);
        }

        assertThat(database.rows("select id from incidents")).containsExactly("i-1");
        assertThat(sunk).hasSize(1);
    }

    @Test
    void bothOrNeitherRollsBothBackFailsTheCallAndReportsNoWriteThatReachedOneModel() {
        try (DualRepo dualRepo = dualRepo(SameDatabaseScope.builder(sessions).bothOrNeither().build(),
                SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)) {
            assertThatThrownBy(() -> incidents(dualRepo).save(new Incident("i-1", "org-1", LONG_TITLE, "closed")))
                    .isInstanceOf(RuntimeException.class);
        }

        assertThat(database.rows("select id from incidents")).isEmpty();
        assertThat(sunk).isEmpty();
        assertThat(reachedOldNotNew()).isEmpty();
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void aMigrationWhoseModelsWriteThroughAnotherFactoryIsRefusedWhenTheScopeIsBuilt() {
        try (SessionFactory other = database.sessionFactory(java.util.Map.of("hibernate.hbm2ddl.auto", "none"),
                LegacyIncidentRow.class, IncidentStatusRow.class, StatusTableIncidentRow.class)) {
            assertThatThrownBy(() -> SameDatabaseScope.builder(sessions)
                    .migration(IncidentModels.newTables(sessions, other), KEYS).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("its NEW model writes through another SessionFactory");
        }
    }
}
