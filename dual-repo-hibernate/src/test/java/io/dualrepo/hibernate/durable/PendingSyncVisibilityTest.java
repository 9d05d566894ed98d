package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a key that does not repair leaves for people to see (issue 12, case 11): the table's {@code last_error}
 * without the values the database quoted, an ERROR line once it has failed for long, the age of the oldest waiting
 * row as a gauge; and the table's read API that a route change can wait on.
 */
class PendingSyncVisibilityTest {

    /** A value that may be @Sensitive: the database quotes it when it refuses the row. */
    private static final String QUOTED_TITLE = "Ada Lovelace, 12 Marylebone Road";
    private static final DateTimeFormatter SQL_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TwoDatabases databases;
    private SwitchableFailure oldModel;
    private SwitchableFailure newModel;
    private DualRepo dualRepo;
    private IncidentRepository incidents;
    private PendingSyncRepair repair;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        routes.set("incidents", Stage.SHADOW);
        oldModel = new SwitchableFailure(new LegacyIncidents(databases.oldSessions));
        newModel = new SwitchableFailure(new StatusTableIncidents(databases.newSessions));
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(databases.migration, TwoDatabases.KEYS).meterRegistry(registry).build();
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes).meterRegistry(registry).dualWriteScope(scope).build();
        incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        repair = PendingSyncRepair.builder().migration(databases.migration).meterRegistry(registry).build();
    }

    @AfterEach
    void tearDown() throws SQLException {
        repair.close();
        dualRepo.close();
        databases.close();
    }

    @Test
    void lastErrorHoldsTheFailuresClassesAndSqlStateNeverTheDatabasesMessageQuotingTheRow() {
        leaveARepairThatNewRefusesWithAUniqueViolation();

        RepairResult result = repair.repairNow();

        assertThat(result.keysFailed()).isEqualTo(1);
        String lastError = databases.oldDatabase.rows("select last_error from " + PendingSyncTable.DEFAULT_NAME)
                .get(0);
        assertThat(lastError).doesNotContain("Lovelace").contains("[SQLState 23505]").endsWith("(messages withheld)");
    }

    @Test
    void aKeyThatKeepsFailingIsLoggedAtErrorFromTheDocumentedAttemptOnAndNotOnEveryPass() {
        leaveARepairThatNewRefusesWithAUniqueViolation();
        Logger logger = (Logger) LoggerFactory.getLogger(PendingSyncRepair.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            repair.repairNow();
            assertThat(levels(appender)).containsExactly(Level.WARN);

            databases.oldDatabase.execute("update " + PendingSyncTable.DEFAULT_NAME + " set attempts = "
                    + (PendingSyncRepair.PERSISTENT_FAILURE_ATTEMPTS - 2));
            appender.list.clear();
            for (int pass = 0; pass < 3; pass++) {
                repair.repairNow();
            }
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(levels(appender)).containsExactly(Level.ERROR);
        assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.ERROR).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("has failed " + PendingSyncRepair.PERSISTENT_FAILURE_ATTEMPTS + " times")
                .doesNotContain("Lovelace");
        assertThat(databases.pending(Side.OLD))
                .containsExactly("i-1 NEW " + (PendingSyncRepair.PERSISTENT_FAILURE_ATTEMPTS + 1));
    }

    @Test
    void theOldestPendingGaugeShowsTheAgeOfTheOldestRowAsEachPassLeavesThem() {
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "a title far longer than the new model's forty characters",
                "fixing"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));
        newModel.failing(false);
        Instant written = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        databases.oldDatabase.execute("update " + PendingSyncTable.DEFAULT_NAME + " set created_at = "
                + timestamp(written) + " where sync_key = 'i-1'");
        assertThat(oldestGaugeSeconds()).isZero();

        RepairResult first = repair.repairNow();
        double age = oldestGaugeSeconds();
        Instant read = Instant.now();

        // i-2 was repaired; i-1, two hours old, cannot be.
        assertThat(first.keysSynced()).isEqualTo(1);
        assertThat(age).isBetween(7_200.0, (double) Duration.between(written, read).toSeconds() + 1);

        databases.put(Side.OLD, new Incident("i-1", "org-1", "shorter title", "fixing"));
        repair.repairNow();

        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(oldestGaugeSeconds()).isZero();
    }

    @Test
    void pendingCountAndOldestPendingReadTheKeysWaitingForEachTarget() {
        PendingSyncTable table = PendingSyncTable.defaults();
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", "database slow", "fixing"));
        incidents.save(new Incident("i-1", "org-1", "database slow", "monitoring"));
        incidents.save(new Incident("i-2", "org-1", "queue stuck", "fixing"));
        newModel.failing(false);
        routes.set("incidents", Stage.LIVE);
        oldModel.failing(true);
        incidents.save(new Incident("i-3", "org-1", "disk full", "fixing"));
        oldModel.failing(false);
        Instant oldest = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        databases.oldDatabase.execute(
                "update " + PendingSyncTable.DEFAULT_NAME + " set created_at = " + timestamp(oldest.plusSeconds(60)),
                "update " + PendingSyncTable.DEFAULT_NAME + " set created_at = " + timestamp(oldest)
                        + " where sync_key = 'i-2'");

        assertThat(table.pendingCount(databases.oldSessions, "incidents", Side.NEW)).isEqualTo(2);
        assertThat(table.pendingCount(databases.oldSessions, "incidents", Side.OLD)).isZero();
        assertThat(table.pendingCount(databases.newSessions, "incidents", Side.OLD)).isEqualTo(1);
        assertThat(table.pendingCount(databases.oldSessions, "tickets", Side.NEW)).isZero();
        assertThat(table.oldestPending(databases.oldSessions, "incidents")).contains(oldest);
        assertThat(table.oldestPending(databases.oldSessions, "tickets")).isEmpty();

        repair.repairNow();

        assertThat(table.pendingCount(databases.oldSessions, "incidents", Side.NEW)).isZero();
        assertThat(table.pendingCount(databases.newSessions, "incidents", Side.OLD)).isZero();
        assertThat(table.oldestPending(databases.oldSessions, "incidents")).isEmpty();
        assertThat(table.oldestPending(databases.newSessions, "incidents")).isEmpty();
    }

    /** i-1 waits for NEW, where another incident already has its title and a unique constraint refuses it. */
    private void leaveARepairThatNewRefusesWithAUniqueViolation() {
        databases.newDatabase.execute("alter table incidents_v2 add constraint unique_title unique (title)");
        databases.put(Side.NEW, new Incident("i-9", "org-1", QUOTED_TITLE, "closed"));
        newModel.failing(true);
        incidents.save(new Incident("i-1", "org-1", QUOTED_TITLE, "fixing"));
        newModel.failing(false);
    }

    private static List<Level> levels(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getLevel).toList();
    }

    private double oldestGaugeSeconds() {
        return registry.get(SyncMetrics.PENDING_OLDEST).tag(SyncMetrics.TAG_REPOSITORY, "incidents").timeGauge()
                .value(TimeUnit.SECONDS);
    }

    private static String timestamp(Instant instant) {
        return "timestamp with time zone '" + SQL_TIMESTAMP.format(instant) + "+00'";
    }
}
