package io.dualrepo.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.RepairResult;
import io.dualrepo.hibernate.durable.TwoDatabases;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillException;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.backfill.HookedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.DualRepo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Processes and jobs that die: a process killed between the two writes of a cross-database dual write, at random
 * points, again and again; and a backfill killed at random batches while writers run. After the repair (or the
 * resumed backfill), the verifier must be clean and every acknowledged write present in both models.
 */
@Timeout(600)
class CrashScenariosTest {

    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 8;

    @Test
    void processDeathsBetweenTheTwoWritesLoseNothing() throws Exception {
        Random random = new Random();
        long start = System.nanoTime();
        Map<String, Set<Optional<Incident>>> acceptable = new HashMap<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int k = 0; k < KEYS_PER_WRITER; k++) {
                acceptable.put(DyingWriters.key(w, k), new HashSet<>(Set.of(Optional.empty())));
            }
        }
        long acknowledged = 0;
        long inFlight = 0;
        long keysRepaired = 0;
        long lost = 0;
        Path output = Files.createTempFile("dualrepo-dying-writers-", ".log");
        try (TwoDatabases databases = TwoDatabases.shared()) {
            PendingSyncRepair repair = PendingSyncRepair.builder().migration(databases.migration)
                    .meterRegistry(new SimpleMeterRegistry()).build();
            for (int death = 1; death <= Bounds.DEATHS; death++) {
                Stage stage = random.nextBoolean() ? Stage.DUAL_WRITE : Stage.LIVE;
                int dieAt = 1 + random.nextInt(60);
                runUntilDeath(databases, stage, death, dieAt, random.nextLong(), output);
                Map<String, Optional<Incident>> attempted = new HashMap<>();
                for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                    String[] words = line.split(" ");
                    if (words[0].equals("TRY")) {
                        Optional<Incident> attempt = words[2].equals("save")
                                ? Optional.of(new Incident(words[1], TwoDatabases.ORGANISATION, words[3], words[4]))
                                : Optional.empty();
                        acceptable.get(words[1]).add(attempt);
                        attempted.put(words[1], attempt);
                    } else if (words[0].equals("ACK")) {
                        acknowledged++;
                        Set<Optional<Incident>> states = acceptable.get(words[1]);
                        states.clear();
                        states.add(attempted.remove(words[1]));
                    }
                }
                inFlight += attempted.size();
                RepairResult repaired = repair.repairNow();
                keysRepaired += repaired.keysSynced();
                VerificationResult<String> verification = Verifier.builder(databases.migration)
                        .meterRegistry(new SimpleMeterRegistry()).build().verify();
                assertThat(repaired.keysFailed()).isZero();
                assertThat(verification.isClean()).as("after death %d: %s", death, verification.summary()).isTrue();
                assertThat(databases.pending(Side.OLD)).isEmpty();
                assertThat(databases.pending(Side.NEW)).isEmpty();
                for (Map.Entry<String, Set<Optional<Incident>>> entry : acceptable.entrySet()) {
                    Optional<Incident> held = find(databases, entry.getKey());
                    if (!entry.getValue().contains(held)) {
                        lost++;
                    }
                    // The write in flight when the process died either took or did not; now it is settled.
                    entry.getValue().clear();
                    entry.getValue().add(held);
                }
                assertThat(lost).as("acknowledged writes missing after death %d and its repair", death).isZero();
            }
        } finally {
            Files.deleteIfExists(output);
        }
        assertThat(keysRepaired).as("keys the repair brought up to date over all deaths").isPositive();
        Report.add(new Report.Row("process death between the two writes", String.format(Locale.ROOT,
                "%d child JVMs × %d writers, %,d acknowledged writes", Bounds.DEATHS, WRITERS, acknowledged),
                "Runtime.halt as secondary write no. 1–60 begins (DUAL_WRITE or LIVE, at random)",
                (System.nanoTime() - start) / 1e9, "–", lost, Double.NaN, Double.NaN,
                String.format(Locale.ROOT, "%d writes in flight at the deaths; after each death: repair (%d keys synced in all), verifier clean, 0 pending"
                        + " rows", inFlight, keysRepaired)));
    }

    private static Optional<Incident> find(TwoDatabases databases, String key) {
        var model = databases.migration.oldModel();
        return model.transactions().read(session -> model.find(session, key));
    }

    private static void runUntilDeath(TwoDatabases databases, Stage stage, int run, int dieAt, long seed, Path output)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                DyingWriters.class.getName(),
                databases.oldDatabase.url(), databases.newDatabase.url(), databases.oldDatabase.user(), stage.name(),
                String.valueOf(run), String.valueOf(WRITERS), String.valueOf(KEYS_PER_WRITER), String.valueOf(dieAt),
                String.valueOf(seed)));
        Path errors = Files.createTempFile("dualrepo-dying-writers-", ".err");
        try {
            Process child = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile())
                    .start();
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("the child JVM did not die in 120 s");
            }
            assertThat(child.exitValue()).as("exit status of the child JVM (%d: died between two writes); stderr:%n%s",
                    DyingWriters.DIED, Files.readString(errors)).isEqualTo(DyingWriters.DIED);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    @Test
    void aBackfillKilledAtRandomBatchesWhileWritersRunResumesToACleanCopy() throws Exception {
        Random random = new Random();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long start = System.nanoTime();
        try (Stores stores = new Stores(registry);
                DualRepo dualRepo = stores.dualRepo()
                        .routeSource(InMemoryRouteSource.create().set("incidents", Stage.DUAL_WRITE)).build()) {
            int writers = Math.max(4, Bounds.CALLERS / 4);
            Callers callers = new Callers(new DualIncidentRepository(stores.oldRepository(), stores.newRepository(),
                    dualRepo), writers, Bounds.KEYS_PER_CALLER);
            List<Incident> rows = new ArrayList<>();
            // The writers' own keys are among the rows the backfill copies, so that updates and deletes race it.
            for (String key : callers.keys()) {
                rows.add(new Incident(key, Stores.ORGANISATIONS.get(0), "seeded " + key, StatusIds.DEFAULTS.get(0)));
            }
            for (int i = rows.size(); i < Bounds.BACKFILL_ROWS; i++) {
                rows.add(new Incident(String.format(Locale.ROOT, "s-%06d", i), Stores.ORGANISATIONS.get(i % 2),
                        "seeded " + i, StatusIds.DEFAULTS.get(i % StatusIds.DEFAULTS.size())));
            }
            seed(stores, rows);
            for (Incident row : rows) {
                if (callers.keys().contains(row.id())) {
                    callers.assume(row.id(), row);
                }
            }
            int batch = Math.max(10, Bounds.BACKFILL_ROWS / (2 * Bounds.BACKFILL_KILLS + 2));
            Migration<String, Incident> migration = stores.migration;
            int kills = 0;
            BackfillResult last = null;
            callers.start();
            try {
                for (int run = 1; run <= Bounds.BACKFILL_KILLS; run++) {
                    HookedModel<String, Incident> newModel = new HookedModel<>(migration.newModel());
                    newModel.afterInsertAbsent = HookedModel.killAt(1 + random.nextInt(2), "backfill run " + run);
                    Backfill<String, Incident> backfill = Backfill.builder(
                                    Migration.of(migration.name(), migration.keyType(), migration.oldModel(), newModel))
                            .batchSize(batch).workerId("worker-1").build();
                    assertThatThrownBy(backfill::run).isInstanceOf(BackfillException.class)
                            .hasMessageContaining(HookedModel.Killed.class.getName());
                    kills++;
                }
                last = Backfill.builder(migration).batchSize(batch).workerId("worker-1").build().run();
            } finally {
                callers.stop();
            }
            assertThat(last.finished()).as("the resumed backfill finished").isTrue();
            assertThat(callers.failedCalls.get()).as("failed calls; first: %s", callers.failureSample).isZero();
            Stores.Settled settled = stores.repairAndVerify();
            assertThat(settled.verification().isClean()).as(settled.verification().summary()).isTrue();
            List<String> lost = new ArrayList<>(callers.lost(stores, Side.OLD));
            lost.addAll(callers.lost(stores, Side.NEW));
            assertThat(lost).as("acknowledged writes missing").isEmpty();
            assertThat(settled.verification().oldRowsScanned()).as("rows verified").isPositive();
            Report.add(new Report.Row("backfill killed at random batches", String.format(Locale.ROOT,
                    "%,d old rows in batches of %d; %d writers, %,d calls", rows.size(), batch, writers,
                    callers.calls.get()), kills + " kills at batch 1 or 2 of a run, then resumed",
                    (System.nanoTime() - start) / 1e9, "0", lost.size(),
                    callers.readLatencies().p99Millis(), callers.writeLatencies().p99Millis(),
                    String.format(Locale.ROOT, "resumed to the end; verifier clean over %,d rows; 0 failed calls",
                            settled.verification().oldRowsScanned())));
        }
    }

    private static void seed(Stores stores, List<Incident> rows) throws Exception {
        try (Connection connection = stores.oldDatabase.connect();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into incidents (id, organisation_id, title, status) values (?, ?, ?, ?)")) {
            for (Incident row : rows) {
                insert.setString(1, row.id());
                insert.setString(2, row.organisationId());
                insert.setString(3, row.title());
                insert.setString(4, row.status());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
