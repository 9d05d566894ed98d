package io.dualrepo.reliability;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.TwoDatabases;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.SessionFactory;

/**
 * A process whose writers make cross-database dual writes concurrently until it dies: {@code Runtime.halt} as the
 * secondary write number K begins, K chosen by the parent, so one writer dies between its two writes while the
 * others are wherever they happen to be. Each writer prints {@code TRY} before a call and {@code ACK} after it
 * returned, unbuffered, so the parent knows exactly what each caller was told.
 *
 * <p>Arguments: old URL, new URL, user, stage, run number, writers, keys per writer, K, seed.
 */
public final class DyingWriters {

    static final int DIED = 86;
    static final int NEVER_DIED = 3;

    private DyingWriters() {}

    public static void main(String[] args) throws Exception {
        SessionFactory oldSessions = TestDatabase.attach(args[0], args[2], LegacyIncidentRow.class);
        SessionFactory newSessions = TestDatabase.attach(args[1], args[2], IncidentStatusRow.class,
                StatusTableIncidentRow.class);
        Stage stage = Stage.valueOf(args[3]);
        int run = Integer.parseInt(args[4]);
        int writers = Integer.parseInt(args[5]);
        int keys = Integer.parseInt(args[6]);
        int dieAt = Integer.parseInt(args[7]);
        long seed = Long.parseLong(args[8]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        CrossDatabaseScope scope = CrossDatabaseScope.builder()
                .migration(IncidentModels.newTables(oldSessions, newSessions), TwoDatabases.KEYS)
                .build();
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        DualRepo dualRepo = DualRepo.builder().enforceTransitions(false)
                .routeSource(InMemoryRouteSource.create().set("incidents", stage))
                .dualWriteScope(scope)
                .build();
        Side primary = stage.route().primary();
        AtomicInteger secondaryWrites = new AtomicInteger();
        IncidentRepository oldModel = new LegacyIncidents(oldSessions);
        IncidentRepository newModel = new StatusTableIncidents(newSessions);
        IncidentRepository dying = new Dying(primary == Side.OLD ? newModel : oldModel, secondaryWrites, dieAt);
        IncidentRepository incidents = new DualIncidentRepository(primary == Side.OLD ? oldModel : dying,
                primary == Side.NEW ? newModel : dying, dualRepo);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Random random = new Random(seed + w);
            Thread thread = new Thread(() -> {
                for (int version = 0; ; version++) {
                    String key = key(writer, random.nextInt(keys));
                    if (random.nextInt(10) < 8) {
                        String title = "r" + run + "-v" + version;
                        String status = StatusIds.DEFAULTS.get(random.nextInt(StatusIds.DEFAULTS.size()));
                        out.println("TRY " + key + " save " + title + " " + status);
                        incidents.save(new Incident(key, TwoDatabases.ORGANISATION, title, status));
                    } else {
                        out.println("TRY " + key + " delete");
                        incidents.deleteById(key);
                    }
                    out.println("ACK " + key);
                }
            }, "writer-" + w);
            thread.start();
        }
        Thread.sleep(60_000);
        Runtime.getRuntime().halt(NEVER_DIED);
    }

    static String key(int writer, int k) {
        return "w" + writer + "-" + k;
    }

    /** The secondary: the process dies as the K-th write to it begins. */
    private record Dying(IncidentRepository model, AtomicInteger writes, int dieAt) implements IncidentRepository {
        @Override
        public Optional<Incident> findById(String id) {
            return model.findById(id);
        }

        @Override
        public void save(Incident incident) {
            dieIfDue();
            model.save(incident);
        }

        @Override
        public void deleteById(String id) {
            dieIfDue();
            model.deleteById(id);
        }

        @Override
        public void updateStatus(String id, String status) {
            dieIfDue();
            model.updateStatus(id, status);
        }

        private void dieIfDue() {
            if (writes.incrementAndGet() >= dieAt) {
                Runtime.getRuntime().halt(DIED);
            }
        }
    }
}
