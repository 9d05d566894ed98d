package io.dualrepo.sample;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Outcome;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main job: walks the whole playbook against live traffic on two in-memory models and shows, after each
 * stage, what each model served, what the comparisons found and whether any acknowledged write was lost. Exits
 * non-zero if one was.
 *
 * <p>The models are in memory for now; the H2 / PostgreSQL incident-status migration with the Hibernate
 * backfill and verifier replaces them when those modules land.
 */
public final class Demo implements AutoCloseable {

    private static final int ORGANISATIONS = 5;
    private static final int TRAFFIC_THREADS = 4;
    private static final long STAGE_MILLIS = 800;
    private static final long PACE_NANOS = Long.getLong("demo.paceMicros", 200) * 1_000;
    private static final List<String> STATUSES = StatusTableIncidents.DEFAULT_STATUSES;

    private final PrintStream out;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final LegacyIncidents legacy = new LegacyIncidents();
    private final StatusTableIncidents statusTable = new StatusTableIncidents();
    private final AtomicReference<ComparisonResult> firstMismatch = new AtomicReference<>();
    private final DualRepo dualRepo;
    private final IncidentRepository incidents;
    /** What the clients were told was written, per incident: the truth the models are checked against. */
    private final Map<String, Optional<Incident>> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, double[]> previous = new ConcurrentHashMap<>();

    Demo(PrintStream out) {
        this.out = out;
        this.dualRepo = DualRepo.builder()
                .routeSource(routes)
                .meterRegistry(registry)
                .mismatchLogsPerMinute(3)
                .onComparison(result -> {
                    // A by-id mismatch shows the planted bug most plainly.
                    if (result.outcome() == Outcome.MISMATCH && result.method().equals("findById")) {
                        firstMismatch.compareAndSet(null, result);
                    }
                })
                .build();
        this.incidents = new DualIncidentRepository(legacy, statusTable, dualRepo);
    }

    public static void main(String[] args) throws Exception {
        int lost;
        try (Demo demo = new Demo(System.out)) {
            lost = demo.run();
        }
        System.exit(lost == 0 ? 0 : 1);
    }

    @Override
    public void close() {
        dualRepo.close();
    }

    int run() throws InterruptedException {
        out.println("dual-repo demo: migrating incident statuses from a text column to a statuses table");
        out.println("(in-memory models; every figure below is read from the Micrometer registry or the models)");
        for (int i = 0; i < 200; i++) {
            Incident incident = new Incident("seed-" + i, organisation(i % TRAFFIC_THREADS, i), "seeded incident " + i,
                    STATUSES.get(i % STATUSES.size()));
            legacy.save(incident);
            acknowledged.put(incident.id(), Optional.of(incident));
        }
        out.printf("%n%-34s %9s %9s %7s %9s %6s %10s %5s%n", "stage", "old calls", "new calls", "match",
                "mismatch", "other", "sec.fails", "lost");
        int lost = 0;
        lost += stage("OLD_ONLY", Stage.OLD_ONLY, Side.OLD);
        lost += stage("DUAL_WRITE", Stage.DUAL_WRITE, Side.OLD);
        int copied = copyRowsWrittenBeforeDualWrite();
        lost += report("copy of " + copied + " older rows", Side.NEW);
        statusTable.plantedBug = true;
        lost += stage("SHADOW (planted bug)", Stage.SHADOW, Side.OLD);
        ComparisonResult mismatch = firstMismatch.get();
        if (mismatch != null) {
            out.println("    caught: " + mismatch.method() + " " + mismatch.differences());
        }
        statusTable.plantedBug = false;
        lost += stage("SHADOW (bug fixed)", Stage.SHADOW, Side.OLD);
        lost += stage("LIVE", Stage.LIVE, Side.NEW);
        lost += stage("rollback: read OLD again", Stage.SHADOW, Side.OLD);
        lost += stage("LIVE", Stage.LIVE, Side.NEW);
        lost += stage("RAMPDOWN", Stage.RAMPDOWN, Side.NEW);
        lost += stage("NEW_ONLY", Stage.NEW_ONLY, Side.NEW);
        out.printf("%nacknowledged writes lost: %d%n", lost);
        return lost;
    }

    private int stage(String label, Stage stage, Side readSide) throws InterruptedException {
        routes.set("incidents", stage);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < TRAFFIC_THREADS; t++) {
            int client = t;
            Thread thread = new Thread(() -> traffic(client, stop), "client-" + t);
            clients.add(thread);
            thread.start();
        }
        Thread.sleep(STAGE_MILLIS);
        stop.set(true);
        for (Thread thread : clients) {
            thread.join();
        }
        // Let the last shadow reads finish so that the row's figures are complete.
        Thread.sleep(100);
        return report(label, readSide);
    }

    /** One client: creates incidents of its own and moves them through the statuses, reading all the while. */
    private void traffic(int client, AtomicBoolean stop) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> mine = new ArrayList<>();
        int created = 0;
        while (!stop.get()) {
            // Paced like a busy service rather than flat out, so the comparison pool keeps up as in production.
            if (PACE_NANOS > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(PACE_NANOS);
            }
            int action = random.nextInt(10);
            if (action == 0 || mine.isEmpty()) {
                String id = "c" + client + "-" + System.nanoTime() + "-" + created++;
                Incident incident = new Incident(id, organisation(client, random.nextInt(ORGANISATIONS)), "incident " + id,
                        STATUSES.get(0));
                incidents.save(incident);
                acknowledged.put(id, Optional.of(incident));
                mine.add(id);
            } else if (action <= 2) {
                String id = mine.get(random.nextInt(mine.size()));
                Incident current = acknowledged.get(id).orElseThrow();
                Incident moved = current.withStatus(STATUSES.get(random.nextInt(STATUSES.size())));
                incidents.save(moved);
                acknowledged.put(id, Optional.of(moved));
            } else if (action == 3 && mine.size() > 20) {
                String id = mine.remove(random.nextInt(mine.size()));
                incidents.deleteById(id);
                acknowledged.put(id, Optional.empty());
            } else if (action <= 6) {
                incidents.findById(mine.get(random.nextInt(mine.size())));
            } else {
                incidents.findByOrganisation(organisation(client, random.nextInt(ORGANISATIONS)));
            }
        }
    }

    /**
     * Each client works for organisations of its own, as a service's tenants are independent: a comparison then
     * races only with the client's own next write, which the runtime's re-read before reporting resolves.
     */
    private static String organisation(int client, int index) {
        return "org-" + client + "-" + (index % ORGANISATIONS);
    }

    /** Stands in for the backfill until the Hibernate module lands: rows written before DUAL_WRITE. */
    private int copyRowsWrittenBeforeDualWrite() {
        int copied = 0;
        for (LegacyIncidents.Row row : legacy.rows.values()) {
            if (!statusTable.rows.containsKey(row.id())) {
                statusTable.save(new Incident(row.id(), row.organisationId(), row.title(), row.status()));
                copied++;
            }
        }
        return copied;
    }

    /** Prints the stage's figures; returns how many acknowledged writes the model serving reads does not hold. */
    private int report(String label, Side readSide) {
        IncidentRepository served = readSide == Side.OLD ? legacy : statusTable;
        int lost = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Optional<Incident>> entry : acknowledged.entrySet()) {
            Optional<Incident> found = served.findById(entry.getKey());
            if (!found.equals(entry.getValue())) {
                lost++;
                if (examples.size() < 3) {
                    examples.add("    lost: acknowledged " + entry.getValue() + ", " + readSide + " holds " + found);
                }
            }
        }
        double[] now = {calls("old"), calls("new"), comparisons("match"), comparisons("mismatch"),
                comparisons("secondary_error") + comparisons("timeout") + comparisons("skipped"),
                counter(DualRepoMetrics.SECONDARY_WRITE_FAILURES)};
        double[] before = previous.getOrDefault("figures", new double[now.length]);
        previous.put("figures", now);
        out.printf("%-34s %9.0f %9.0f %7.0f %9.0f %6.0f %10.0f %5d%n", label, now[0] - before[0],
                now[1] - before[1], now[2] - before[2], now[3] - before[3], now[4] - before[4],
                now[5] - before[5], lost);
        examples.forEach(out::println);
        return lost;
    }

    private double calls(String side) {
        return registry.find(DualRepoMetrics.CALLS).tag(DualRepoMetrics.TAG_SIDE, side).timers().stream()
                .mapToDouble(Timer::count).sum();
    }

    private double comparisons(String outcome) {
        return registry.find(DualRepoMetrics.COMPARISONS).tag(DualRepoMetrics.TAG_OUTCOME, outcome).counters()
                .stream().mapToDouble(Counter::count).sum();
    }

    private double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
