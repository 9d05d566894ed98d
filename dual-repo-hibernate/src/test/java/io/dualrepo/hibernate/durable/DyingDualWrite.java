package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
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
import java.util.Optional;
import org.hibernate.SessionFactory;

/**
 * A process that makes one dual write through {@link CrossDatabaseScope} and dies the moment its secondary write
 * starts, after the primary committed: {@code Runtime.halt}, so no finally block, shutdown hook or transaction
 * cleanup runs, as when the process is killed. Run by {@link ProcessDeathTest} in a JVM of its own.
 *
 * <p>Arguments: old URL, new URL, user, stage (DUAL_WRITE: OLD is primary; LIVE: NEW is), then {@code save id title
 * status} or {@code delete id}.
 */
public final class DyingDualWrite {

    /** The exit status of a process that died where it should; anything else is a test failure. */
    static final int DIED_BETWEEN_THE_WRITES = 86;
    static final int SECONDARY_NEVER_CALLED = 3;

    private DyingDualWrite() {}

    public static void main(String[] args) {
        SessionFactory oldSessions = TestDatabase.attach(args[0], args[2], LegacyIncidentRow.class);
        SessionFactory newSessions = TestDatabase.attach(args[1], args[2], IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        Stage stage = Stage.valueOf(args[3]);
        Side primary = stage.route().primary();
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(IncidentModels.newTables(oldSessions, newSessions), TwoDatabases.KEYS)
                .build();
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        DualRepo dualRepo = DualRepo.builder().enforceTransitions(false)
                .routeSource(InMemoryRouteSource.create().set("incidents", stage))
                .dualWriteScope(scope)
                .build();
        IncidentRepository primaryModel = primary == Side.OLD
                ? new LegacyIncidents(oldSessions) : new StatusTableIncidents(newSessions);
        IncidentRepository oldModel = primary == Side.OLD ? primaryModel : new Dying();
        IncidentRepository newModel = primary == Side.NEW ? primaryModel : new Dying();
        IncidentRepository incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
        switch (args[4]) {
            case "save" -> incidents.save(new Incident(args[5], TwoDatabases.ORGANISATION, args[6], args[7]));
            case "delete" -> incidents.deleteById(args[5]);
            default -> throw new IllegalArgumentException("unknown write " + args[4]);
        }
        Runtime.getRuntime().halt(SECONDARY_NEVER_CALLED);
    }

    /** The secondary: the process dies as its write begins. */
    private static final class Dying implements IncidentRepository {
        @Override
        public Optional<Incident> findById(String id) {
            return Optional.empty();
        }

        @Override
        public void save(Incident incident) {
            Runtime.getRuntime().halt(DIED_BETWEEN_THE_WRITES);
        }

        @Override
        public void deleteById(String id) {
            Runtime.getRuntime().halt(DIED_BETWEEN_THE_WRITES);
        }

        @Override
        public void updateStatus(String id, String status) {
            Runtime.getRuntime().halt(DIED_BETWEEN_THE_WRITES);
        }
    }
}
