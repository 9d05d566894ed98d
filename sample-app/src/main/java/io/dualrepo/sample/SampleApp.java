package io.dualrepo.sample;

import io.dualrepo.DualRepo;
import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillProgress;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.backfill.ProgressListener;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.WriteKeys;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.sample.Settings.Database;
import io.dualrepo.sample.model.IncidentModels;
import io.dualrepo.sample.model.IncidentStatusRow;
import io.dualrepo.sample.model.Layout;
import io.dualrepo.sample.model.LegacyIncidentRow;
import io.dualrepo.sample.model.LegacyIncidents;
import io.dualrepo.sample.model.OrganisationRow;
import io.dualrepo.sample.model.Schema;
import io.dualrepo.sample.model.StatusDefaults;
import io.dualrepo.sample.model.StatusIncidentRow;
import io.dualrepo.sample.model.StatusTableIncidents;
import io.dualrepo.sample.model.Statuses;
import io.dualrepo.spi.WithheldMessage;
import io.getunleash.DefaultUnleash;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident-status migration, wired: the databases, both models, the generated decorator and what decides its
 * routes, the backfills and the verifier. The demo and the HTTP service both run on one of these; it is also the
 * code to read to set up a migration of your own.
 */
public final class SampleApp implements AutoCloseable {

    /** The {@code @DualModel} name of {@link IncidentRepository}. */
    public static final String REPOSITORY = "incidents";

    private static final Logger log = LoggerFactory.getLogger(SampleApp.class);
    private static final AtomicInteger EMBEDDED_DATABASES = new AtomicInteger();

    private final Layout layout;
    private final SessionFactory oldDatabase;
    private final SessionFactory newDatabase;
    private final Transactions oldTransactions;
    private final MigrationRecord migrationRecord;
    private final boolean freshDatabase;
    private final MeterRegistry meterRegistry;
    private final RouteSource routeSource;
    private final String routeOrigin;
    private final LegacyIncidents oldModel;
    private final StatusTableIncidents newModel;
    private final Migration<String, Incident> migration;
    private final DualRepo dualRepo;
    private final IncidentRepository incidents;
    private final PendingSyncRepair pendingSyncRepair;
    private final PendingSyncRepair immediateRepair;
    private final List<ComparisonListener> comparisonListeners = new CopyOnWriteArrayList<>();
    private final List<ProgressListener> progressListeners = new CopyOnWriteArrayList<>();
    private final Map<String, BackfillProgress> backfills = new ConcurrentHashMap<>();

    private SampleApp(Settings settings, MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
        this.layout = settings.newDatabase().isPresent() ? Layout.SECOND_DATABASE : Layout.SAME_TABLE;
        Database old = settings.database().orElseGet(SampleApp::embeddedDatabase);
        if (layout == Layout.SAME_TABLE) {
            this.oldDatabase = sessionFactory(old, OrganisationRow.class, LegacyIncidentRow.class,
                    StatusIncidentRow.class, IncidentStatusRow.class);
            this.newDatabase = oldDatabase;
        } else {
            this.oldDatabase = sessionFactory(old, OrganisationRow.class, LegacyIncidentRow.class);
            this.newDatabase = sessionFactory(settings.newDatabase().orElseThrow(), StatusIncidentRow.class,
                    IncidentStatusRow.class);
        }
        this.freshDatabase = !Schema.hasTable(oldDatabase, "incidents")
                && (layout == Layout.SAME_TABLE || !Schema.hasTable(newDatabase, "incidents"));
        if (!freshDatabase && Schema.hasTable(oldDatabase, "incidents")
                && !Schema.hasColumn(oldDatabase, "incidents", "status")) {
            throw new CannotStartException("incidents.status is gone: this database holds a migration that was"
                    + " finished (contracted) by an earlier run; point the app at a fresh database or schema");
        }
        if (!freshDatabase && !Schema.hasTable(oldDatabase, "incidents")) {
            throw new CannotStartException("the new model's database already holds an incidents table but the old"
                    + " one does not: point the app at fresh databases or schemas");
        }
        Schema.createOldModel(oldDatabase);
        this.oldTransactions = Transactions.of(oldDatabase);
        // In the old model's database, where the application already writes: every instance pointed at it shares
        // the record, and one that restarts (even without its flag service) routes by the last route taken. The
        // settle time stays zero: each instance of this sample sets or polls its own routes.
        this.migrationRecord = DatabaseMigrationRecord.builder(oldDatabase).build();

        if (settings.unleashUrl().isPresent()) {
            String url = settings.unleashUrl().get();
            this.routeSource = UnleashRouteSource.builder()
                    .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                            .appName("dual-repo-sample")
                            .unleashAPI(url.endsWith("/api") || url.endsWith("/api/") ? url : url + "/api/")
                            .apiKey(settings.unleashApiToken().orElseThrow())
                            // Flag changes show within seconds, for a sample; production keeps the default.
                            .fetchTogglesInterval(2)
                            .subscriber(subscriber)
                            .build()))
                    .flagPrefix(settings.flagPrefix())
                    .meterRegistry(meterRegistry)
                    .build();
            this.routeOrigin = "Unleash at " + url + " (flags " + settings.flagPrefix() + REPOSITORY + ".*)";
        } else {
            this.routeSource = InMemoryRouteSource.create();
            this.routeOrigin = "in memory (set from this process)";
        }

        this.oldModel = new LegacyIncidents(oldDatabase);
        this.newModel = new StatusTableIncidents(newDatabase);
        newModel.plantBug(settings.plantedBug());
        this.migration = IncidentModels.migration(oldDatabase, newDatabase, layout);

        // The transition rules are on (the default): a stage the record says is unsafe is refused, and the route in
        // force stays.
        DualRepo.Builder builder = DualRepo.builder()
                .routeSource(routeSource)
                .migrationRecord(migrationRecord)
                .meterRegistry(meterRegistry)
                // A systematic mismatch would otherwise log on every read: a few lines a minute show what it is,
                // and the counters and the operator page have all of them.
                .mismatchLogsPerMinute(3)
                .maxDifferences(5)
                .onComparison(this::comparisonMade);
        WriteKeys<String> writeKeys = WriteKeys.<String>builder()
                .on("save", arguments -> ((Incident) arguments.get(0)).id())
                .on("deleteById", arguments -> (String) arguments.get(0))
                .build();
        if (layout == Layout.SAME_TABLE) {
            // Both models in one database: the second write runs in a savepoint of the first one's transaction;
            // should it fail, the first still commits, with a record of its key for the repair below.
            builder.dualWriteScope(SameDatabaseScope.builder(oldDatabase).migration(migration, writeKeys)
                    .meterRegistry(meterRegistry).build());
        } else {
            // No transaction spans two databases: the primary's write commits with a record of its key, and the
            // repair brings the other model up to date from it should the second write fail or never happen.
            builder.dualWriteScope(CrossDatabaseScope.builder()
                    .migration(migration, writeKeys)
                    .meterRegistry(meterRegistry)
                    .build());
        }
        // A key recorded less than a few seconds ago is usually a dual write still on its way to the second
        // database; repairing it then would race that write (and make it fail on the row the repair inserted).
        this.pendingSyncRepair = PendingSyncRepair.builder().migration(migration).meterRegistry(meterRegistry)
                .minAge(Duration.ofSeconds(5)).build().start(Duration.ofSeconds(1));
        this.immediateRepair = PendingSyncRepair.builder().migration(migration)
                .meterRegistry(meterRegistry).build();
        this.dualRepo = builder.build();
        this.incidents = new DualIncidentRepository(oldModel, newModel, dualRepo);
    }

    /** Opens the databases (creating the old model's tables if they are missing) and wires the migration. */
    public static SampleApp start(Settings settings, MeterRegistry meterRegistry) {
        return new SampleApp(settings, meterRegistry);
    }

    private static Database embeddedDatabase() {
        // A name of its own per app, so that tests running several in one JVM never share one.
        return new Database("jdbc:h2:mem:incidents-" + EMBEDDED_DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
                Optional.of("sa"), Optional.of(""));
    }

    private static SessionFactory sessionFactory(Database database, Class<?>... entities) {
        Configuration configuration = new Configuration()
                .setProperty("hibernate.connection.url", database.url())
                .setProperty("hibernate.connection.pool_size", "20")
                .setProperty("hibernate.hbm2ddl.auto", "none");
        database.user().ifPresent(user -> configuration.setProperty("hibernate.connection.username", user));
        database.password().ifPresent(password ->
                configuration.setProperty("hibernate.connection.password", password));
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration.buildSessionFactory();
    }

    /** Whether the app found no tables of its own and created them: the demo needs that. */
    public boolean startedOnFreshDatabase() {
        return freshDatabase;
    }

    /** The repository the application calls: the generated decorator over both models. */
    public IncidentRepository incidents() {
        return incidents;
    }

    public LegacyIncidents oldModel() {
        return oldModel;
    }

    public StatusTableIncidents newModel() {
        return newModel;
    }

    public DualRepo dualRepo() {
        return dualRepo;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public Layout layout() {
        return layout;
    }

    public Migration<String, Incident> migration() {
        return migration;
    }

    /** Where the migration's state and history are kept: tables in the old model's database. */
    public MigrationRecord migrationRecord() {
        return migrationRecord;
    }

    /** What the record holds for the incidents repository now. */
    public MigrationState migrationState() {
        return dualRepo.migrationState(REPOSITORY);
    }

    /** The newest {@code limit} entries of the incidents repository's history, newest first. */
    public List<RecordEntry> history(int limit) {
        return migrationRecord.history(REPOSITORY, limit);
    }

    /**
     * When the oldest pending-sync row of the incidents repository was written, over both databases (a row lives
     * in the database of the model that took the write); empty when none waits. Its age is how long a write has
     * been missing from the other model at most.
     */
    public Optional<Instant> oldestPendingSync() {
        Optional<Instant> oldest = PendingSyncTable.defaults().oldestPending(oldDatabase, REPOSITORY);
        if (newDatabase != oldDatabase) {
            Optional<Instant> inNew = PendingSyncTable.defaults().oldestPending(newDatabase, REPOSITORY);
            if (inNew.isPresent() && (oldest.isEmpty() || inNew.get().isBefore(oldest.get()))) {
                oldest = inNew;
            }
        }
        return oldest;
    }

    /** The route in force for the incidents repository now. */
    public Route currentRoute() {
        return dualRepo.currentRoute(REPOSITORY);
    }

    /** Where routes come from, for people: in memory, or which Unleash server. */
    public String routeOrigin() {
        return routeOrigin;
    }

    /** The in-memory route source, whose stage this process sets; empty when routes come from Unleash. */
    public Optional<InMemoryRouteSource> stageControl() {
        return routeSource instanceof InMemoryRouteSource inMemory ? Optional.of(inMemory) : Optional.empty();
    }

    /** Adds a listener for every comparison's result (results carry masked, rendered differences only). */
    public void onComparison(ComparisonListener listener) {
        comparisonListeners.add(listener);
    }

    /** Adds a listener for both backfills' progress. */
    public void onBackfillProgress(ProgressListener listener) {
        progressListeners.add(listener);
    }

    /** The latest progress of each backfill job run in this process, by job name. */
    public Map<String, BackfillProgress> backfillProgress() {
        return Map.copyOf(backfills);
    }

    private void comparisonMade(ComparisonResult result) {
        for (ComparisonListener listener : comparisonListeners) {
            listener.onComparison(result);
        }
    }

    private void progressMade(BackfillProgress progress) {
        backfills.put(progress.job(), progress);
        for (ProgressListener listener : progressListeners) {
            listener.onProgress(progress);
        }
    }

    /** Seeds the old model with organisations and incidents, as the application's history; only when empty. */
    public int seed(int organisations, int incidentsPerOrganisation) {
        return oldTransactions.inTransaction(session -> {
            long existing = session.createSelectionQuery("select count(*) from OrganisationRow", Long.class)
                    .getSingleResult();
            if (existing > 0) {
                return 0;
            }
            int created = 0;
            for (int o = 0; o < organisations; o++) {
                String organisation = organisationId(o);
                session.persist(new OrganisationRow(organisation, "Organisation " + (o + 1)));
                for (int i = 0; i < incidentsPerOrganisation; i++) {
                    Incident incident = new Incident(newIncidentId(), organisation, "Incident " + (i + 1) + " of "
                            + organisation, Statuses.NAMES.get((o + i) % Statuses.NAMES.size()));
                    session.persist(new LegacyIncidentRow(incident));
                    created++;
                }
                if (o % 10 == 9) {
                    session.flush();
                    session.clear();
                }
            }
            return created;
        });
    }

    public static String organisationId(int index) {
        return String.format("org-%03d", index + 1);
    }

    /** A new incident id: UUIDs sort the same in Java and in every database collation, as the backfill needs. */
    public static String newIncidentId() {
        return UUID.randomUUID().toString();
    }

    /** The organisations, in id order. */
    public List<String> organisations() {
        return oldTransactions.read(session -> session.createSelectionQuery(
                "select id from OrganisationRow order by id", String.class).getResultList());
    }

    /** Step 1, expand: the new model's tables (or column) next to the old; safe to repeat. */
    public void expand() {
        Schema.expand(oldDatabase, newDatabase, layout);
    }

    public boolean isExpanded() {
        return Schema.isExpanded(oldDatabase, newDatabase, layout);
    }

    /** Step 2: every organisation gets the default statuses; re-runnable, an organisation that has them is skipped. */
    public BackfillResult backfillStatuses() {
        return Backfill.builder(StatusDefaults.migration(oldDatabase, newDatabase))
                .batchSize(50)
                .onProgress(this::progressMade)
                .meterRegistry(meterRegistry)
                .build()
                .run();
    }

    /**
     * Step 4, with dual writes on: copies the incidents written before them into the new model. Resumes where a
     * killed run stopped; never overwrites what a dual write put there.
     */
    public BackfillResult backfillIncidents(double rowsPerSecond) {
        // A job that resumes, or finished in an earlier round, is no evidence for the record: while it still asks
        // for a backfill (NEW written again after a rollback, a restarted server), copy from the first key.
        SideState newSide = dualRepo.migrationState(REPOSITORY).newSide();
        boolean recordAsksForOne = newSide.backfilledAt() == null
                && (newSide.status() == SideStatus.CATCHING_UP || newSide.status() == SideStatus.RESYNCING);
        Backfill.Builder<String, Incident> backfill = Backfill.builder(migration);
        if (recordAsksForOne) {
            backfill.restart();
        }
        BackfillResult result = backfill
                // Incident ids are random, so a batch spans a slice of the whole key range in which live inserts
                // land; a smaller slice meets fewer of them (each meeting is a unique violation and a retry of the
                // batch, where the new model is a table of its own).
                .batchSize(100)
                .rowsPerSecond(rowsPerSecond)
                .onProgress(this::progressMade)
                .meterRegistry(meterRegistry)
                // Its result is the first half of the evidence that lets reads move to the new model.
                .migrationRecord(migrationRecord)
                .build()
                .run();
        dualRepo.refreshRecord(REPOSITORY);
        return result;
    }

    /** Compares both models row by row; the result says what is missing or differs on either side. */
    public VerificationResult<String> verify() {
        // A clean scan after the backfill is the second half of the evidence; any scan is on record.
        VerificationResult<String> result = verifier().verify();
        dualRepo.refreshRecord(REPOSITORY);
        return result;
    }

    /**
     * As {@link #verify()}, then makes NEW hold OLD's value at every key found missing or differing (read again from
     * OLD by the repair, not taken from the scan). The result is the scan's: run a plain verification afterwards for
     * the clean one the record asks for.
     */
    public VerificationResult<String> verifyAndRepair() {
        VerificationResult<String> result = verifier().verifyAndRepair();
        dualRepo.refreshRecord(REPOSITORY);
        return result;
    }

    private Verifier<String, Incident> verifier() {
        return Verifier.builder(migration).meterRegistry(meterRegistry).migrationRecord(migrationRecord).build();
    }

    /**
     * Runs the pending-sync repair now, over every key waiting, however recent (it also runs every second for keys
     * waiting 5 s or more); for when no writes are in flight.
     */
    public void repairPendingWrites() {
        immediateRepair.repairNow();
    }

    /** The last step, contract: the old model's column (or table) is dropped once nothing reads or writes it. */
    public void contract() {
        Schema.contract(oldDatabase, layout);
    }

    @Override
    public void close() {
        pendingSyncRepair.close();
        immediateRepair.close();
        dualRepo.close();
        if (routeSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing the route source failed", WithheldMessage.of(e));
            }
        }
        oldDatabase.close();
        if (newDatabase != oldDatabase) {
            newDatabase.close();
        }
    }
}
