package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.DualIncidentRepository;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repair's batch path ({@link RepairBatch}): keys pending one way are leased, read set-based, written and cleared
 * in a few transactions per page, and every write acknowledged while a batch runs is kept in NEW. Runs on H2, and on
 * PostgreSQL with {@code -Ppostgresql}.
 */
class RepairBatchTest {

    private static final String REPAIRING = "repairing";

    private TwoDatabases databases;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService others = Executors.newCachedThreadPool();
    private final List<DualRepo> dualRepos = new ArrayList<>();
    private HookedModel oldModel;
    private Migration<String, Incident> migration;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
        oldModel = new HookedModel(databases.migration.oldModel());
        migration = Migration.of(databases.migration.name(), databases.migration.keyType(), oldModel,
                databases.migration.newModel());
        routes.set(StageWorld.REPOSITORY, Stage.readThrough(Comparison.OFF));
    }

    @AfterEach
    void tearDown() throws SQLException {
        others.shutdownNow();
        dualRepos.forEach(DualRepo::close);
        databases.close();
    }

    /** An instance writing through its own scope, as another process would. */
    private IncidentRepository instance() {
        CrossDatabaseScope scope = CrossDatabaseScope.builder().migration(databases.migration, TwoDatabases.KEYS)
                .meterRegistry(new SimpleMeterRegistry()).build();
        DualRepo dualRepo = DualRepo.builder().enforceTransitions(false).routeSource(routes)
                .meterRegistry(new SimpleMeterRegistry()).dualWriteScope(scope).build();
        dualRepos.add(dualRepo);
        return new DualIncidentRepository(new LegacyIncidents(databases.oldSessions),
                new StatusTableIncidents(databases.newSessions), dualRepo);
    }

    private PendingSyncRepair repair(int batchSize) {
        return PendingSyncRepair.builder().migration(migration).batchSize(batchSize).meterRegistry(registry)
                .logInterval(Duration.ZERO).build();
    }

    static String key(int i) {
        return String.format(Locale.ROOT, "k-%05d", i);
    }

    static Incident incident(String key, String title) {
        return new Incident(key, TwoDatabases.ORGANISATION, title, "fixing");
    }

    /**
     * {@code count} keys written to OLD only, pending for NEW as a failed secondary leaves them: every third stale
     * in NEW, every fifth deleted from OLD but still in NEW (the repair must remove it), the rest missing in NEW.
     */
    private List<String> pendingKeys(int count) {
        List<String> keys = new ArrayList<>();
        var old = databases.migration.oldModel();
        var recent = databases.migration.newModel();
        old.transactions().runInTransaction(session -> {
            for (int i = 0; i < count; i++) {
                if (i % 5 != 0) {
                    old.put(session, incident(key(i), "v1"));
                }
            }
        });
        recent.transactions().runInTransaction(session -> {
            for (int i = 0; i < count; i++) {
                if (i % 3 == 0 || i % 5 == 0) {
                    recent.put(session, incident(key(i), "v0"));
                }
            }
        });
        for (int i = 0; i < count; i++) {
            keys.add(key(i));
        }
        Transactions.of(databases.oldSessions).runInTransaction(session -> {
            PendingSyncTable.defaults().insert(session, StageWorld.REPOSITORY, keys, Side.NEW);
        });
        return keys;
    }

    @Test
    void thousandsOfPendingKeysAreRepairedInAFewTransactionsPerPage() {
        int count = 2_000;
        pendingKeys(count);
        databases.oldSessions.getStatistics().setStatisticsEnabled(true);
        databases.newSessions.getStatistics().setStatisticsEnabled(true);

        RepairResult result = repair(200).repairNow();

        assertThat(result.keysSynced()).isEqualTo(count);
        assertThat(result.keysFailed()).isZero();
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents()).hasSize(count - count / 5);
        assertThat(databases.pending(Side.OLD)).isEmpty();
        // One key at a time took six transactions or more per key; a page of 200 takes a handful.
        long transactions = databases.oldSessions.getStatistics().getTransactionCount()
                + databases.newSessions.getStatistics().getTransactionCount();
        assertThat(transactions).as("transactions for %d keys", count).isLessThan(count / 10);
        assertThat(oldModel.largestFindAll.get()).as("keys read from OLD in one call").isGreaterThan(100);
        assertThat(registry.get("dualrepo.sync.repair.keys.done").gauge().value()).isEqualTo(count);
        assertThat(registry.get("dualrepo.sync.repair.keys.total").gauge().value()).isEqualTo(count);
        assertThat(registry.get("dualrepo.sync.repair.rate").gauge().value()).isPositive();
        assertThat(registry.get("dualrepo.sync.repair.eta").timeGauge().value(TimeUnit.SECONDS)).isZero();
    }

    /**
     * Another instance saves one key of the batch, and deletes another, both models, acknowledged, after the batch
     * read OLD and before it wrote NEW. The batch must not commit the values it read before them: it reads OLD again
     * with NEW's rows held, rolls back and leaves those keys to the per-key path.
     */
    @Test
    void aSaveAndADeleteAcknowledgedWhileABatchRunsAreKeptInNew() throws Exception {
        List<String> keys = pendingKeys(300);
        String saved = keys.get(7);
        String deleted = keys.get(8);
        IncidentRepository other = instance();
        List<String> newAfterTheWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
        oldModel.onFindAll = read -> {
            if (read == 1) {
                // Each returns once both models took it; the wait for the batch's leases is bounded.
                await(others.submit(() -> other.save(incident(saved, "acknowledged"))));
                await(others.submit(() -> other.deleteById(deleted)));
            } else {
                // What readers of NEW saw at each later step of the repair: never the value from before the writes.
                databases.newIncidents().stream()
                        .filter(row -> row.startsWith(saved + " ") || row.startsWith(deleted + " "))
                        .forEach(newAfterTheWrites::add);
            }
        };

        RepairResult result = runAs(REPAIRING, () -> repair(200).repairNow());

        assertThat(result.keysFailed()).isZero();
        assertThat(oldModel.largestFindAll.get()).isGreaterThan(100);
        assertThat(newAfterTheWrites).as("NEW, read at each batch read of OLD after the writes returned")
                .isNotEmpty().containsOnly(saved + " acknowledged fixing");
        assertThat(databases.oldIncidents()).contains(saved + " acknowledged fixing")
                .noneMatch(row -> row.startsWith(deleted + " "));
        assertThat(databases.newIncidents()).as("NEW after the repair")
                .contains(saved + " acknowledged fixing")
                .noneMatch(row -> row.startsWith(deleted + " "));
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents());
        assertThat(databases.pending(Side.OLD)).isEmpty();
    }

    /**
     * A save that commits in OLD after the batch's second read of OLD, while NEW's rows are held: its NEW half waits
     * for the batch (its lease, then its row lock) and lands after it.
     */
    @Test
    void aSaveCommittingAfterTheBatchsSecondReadLandsAfterIt() throws Exception {
        List<String> keys = pendingKeys(300);
        String saved = keys.get(11);
        IncidentRepository other = instance();
        AtomicReference<Future<?>> save = new AtomicReference<>();
        oldModel.onFindAll = read -> {
            if (read == 2) {
                save.set(others.submit(() -> other.save(incident(saved, "after the second read"))));
                // Until the save committed in OLD: it then waits for the batch.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!databases.oldIncidents().contains(saved + " after the second read fixing")
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        };

        RepairResult result = runAs(REPAIRING, () -> repair(200).repairNow());
        await(save.get());

        assertThat(result.keysFailed()).isZero();
        assertThat(databases.newIncidents()).contains(saved + " after the second read fixing");
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents());
    }

    /**
     * Another instance's lease on a key, young: this repair leaves the key to it. Old (its instance died between
     * taking it and clearing it): writes no longer wait for it, and the repair syncs the key and removes the lease.
     */
    @Test
    void anotherInstancesLeaseIsLeftAloneWhileYoungAndTakenOverOnceOld() {
        List<String> keys = pendingKeys(50);
        String leased = keys.get(1);
        String abandoned = keys.get(2);
        insertLease(leased, Instant.now());
        insertLease(abandoned, Instant.now().minus(CrossDatabaseScope.IN_FLIGHT_GRACE).minusSeconds(1));

        RepairResult first = repair(200).repairNow();

        assertThat(first.keysFailed()).isZero();
        assertThat(databases.pending(Side.OLD)).as("the young lease and its key's row")
                .containsExactlyInAnyOrder(leased + " NEW -1", leased + " NEW 0");
        assertThat(databases.newIncidents()).doesNotContain(leased + " v1 fixing")
                .contains(abandoned + " v1 fixing");

        // The other instance died too: once its lease is old, the next pass takes the key over.
        ageRows(Duration.ofSeconds(30));
        repair(200).repairNow();

        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.newIncidents()).isEqualTo(databases.oldIncidents());
    }

    /**
     * Thousands of pending keys, repaired in batches pass after pass while four writers of another instance save and
     * delete the same keys under read-through: once they stop, OLD and NEW both hold each key's last acknowledged
     * write, and nothing is pending.
     */
    @Test
    void concurrentWritersOnTheBatchedKeysLoseNothing() throws Exception {
        int count = 2_000;
        List<String> keys = pendingKeys(count);
        int writers = 4;
        AtomicInteger failedWrites = new AtomicInteger();
        List<Map<String, Optional<String>>> acknowledged = new ArrayList<>();
        List<Future<?>> writing = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            IncidentRepository incidents = instance();
            Map<String, Optional<String>> last = new java.util.concurrent.ConcurrentHashMap<>();
            acknowledged.add(last);
            int writer = w;
            writing.add(others.submit(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(writer);
                for (int i = 0; i < 300; i++) {
                    // Each writer its own keys: two callers racing on one key is the application's business.
                    String key = keys.get(writer + writers * random.nextInt(count / writers));
                    try {
                        if (random.nextInt(4) == 0) {
                            incidents.deleteById(key);
                            last.put(key, Optional.empty());
                        } else {
                            String title = "w" + writer + "-" + i;
                            incidents.save(incident(key, title));
                            last.put(key, Optional.of(title));
                        }
                    } catch (RuntimeException notAcknowledged) {
                        // Under read-through NEW's half throws to the caller (here: the repair removed the row
                        // its delete had loaded). Not acknowledged, so no value is owed; OLD and NEW must agree.
                        last.remove(key);
                        failedWrites.incrementAndGet();
                    }
                }
            }));
        }
        PendingSyncRepair repair = repair(100);
        Future<?> repairing = others.submit(() -> {
            while (writing.stream().anyMatch(write -> !write.isDone())) {
                repair.repairNow();
            }
        });
        for (Future<?> write : writing) {
            await(write);
        }
        await(repairing);
        RepairResult last = repair.repairNow();

        assertThat(last.keysFailed()).isZero();
        assertThat(databases.pending(Side.OLD)).isEmpty();
        List<String> oldRows = databases.oldIncidents();
        List<String> newRows = databases.newIncidents();
        List<String> lost = new ArrayList<>();
        for (Map<String, Optional<String>> written : acknowledged) {
            written.forEach((key, title) -> {
                String expected = title.map(t -> key + " " + t + " fixing").orElse(null);
                for (List<String> rows : List.of(oldRows, newRows)) {
                    Optional<String> held = rows.stream().filter(row -> row.startsWith(key + " ")).findFirst();
                    if (!held.equals(Optional.ofNullable(expected))) {
                        lost.add(key + ": acknowledged " + title + ", " + (rows == oldRows ? "OLD" : "NEW")
                                + " holds " + held);
                    }
                }
            });
        }
        assertThat(lost).as("acknowledged writes not held").isEmpty();
        assertThat(acknowledged.stream().mapToInt(Map::size).sum()).as("keys with an acknowledged last write")
                .isGreaterThan(500);
        assertThat(failedWrites.get()).as("writes not acknowledged").isLessThan(writers * 300 / 10);
        assertThat(newRows).isEqualTo(oldRows);
    }

    private void insertLease(String key, Instant createdAt) {
        Transactions.of(databases.oldSessions).runInTransaction(session -> {
            session.doWork(connection -> {
                try (var insert = connection.prepareStatement("insert into " + PendingSyncTable.DEFAULT_NAME
                        + " (repository, sync_key, target_side, created_at, attempts, last_error)"
                        + " values (?, ?, 'NEW', ?, -1, ?)")) {
                    insert.setString(1, StageWorld.REPOSITORY);
                    insert.setString(2, key);
                    insert.setObject(3, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
                    insert.setString(4, RepairLeases.REPAIR_LEASE);
                    insert.executeUpdate();
                }
            });
        });
    }

    private void ageRows(Duration by) {
        Transactions.of(databases.oldSessions).runInTransaction(session -> {
            session.doWork(connection -> {
                try (var update = connection.prepareStatement("update " + PendingSyncTable.DEFAULT_NAME
                        + " set created_at = ?")) {
                    update.setObject(1, OffsetDateTime.ofInstant(Instant.now().minus(by), ZoneOffset.UTC));
                    update.executeUpdate();
                }
            });
        });
    }

    private static void await(@Nullable Future<?> future) {
        try {
            if (future != null) {
                future.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T runAs(String thread, java.util.concurrent.Callable<T> call) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        new Thread(task, thread).start();
        return task.get(120, TimeUnit.SECONDS);
    }

    /** OLD's model, counting its batch reads and running {@link #onFindAll} (numbered) in the repairing thread. */
    static final class HookedModel implements KeyedModel<String, Incident> {
        private final KeyedModel<String, Incident> model;
        final AtomicInteger largestFindAll = new AtomicInteger();
        private final AtomicInteger findAlls = new AtomicInteger();
        volatile java.util.function.IntConsumer onFindAll = read -> { };

        HookedModel(KeyedModel<String, Incident> model) {
            this.model = model;
        }

        @Override
        public Map<String, Incident> findAll(Session session, Collection<String> keys) {
            largestFindAll.accumulateAndGet(keys.size(), Math::max);
            Map<String, Incident> found = model.findAll(session, keys);
            if (Thread.currentThread().getName().equals(REPAIRING) && keys.size() > 1) {
                onFindAll.accept(findAlls.incrementAndGet());
            }
            return found;
        }

        @Override
        public Transactions transactions() {
            return model.transactions();
        }

        @Override
        public String keyOf(Incident value) {
            return model.keyOf(value);
        }

        @Override
        public List<Incident> page(Session session, @Nullable String after, int limit) {
            return model.page(session, after, limit);
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return model.present(session, keys);
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return model.find(session, key);
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            return model.insertAbsent(session, values);
        }

        @Override
        public void put(Session session, Incident value) {
            model.put(session, value);
        }

        @Override
        public void remove(Session session, String key) {
            model.remove(session, key);
        }
    }
}
