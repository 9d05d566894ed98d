package io.dualrepo.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.RepairResult;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import java.time.Duration;

/**
 * The incident migration with the transition rules enforced (the default) and a {@link DatabaseMigrationRecord} in
 * OLD's database that every instance of a scenario shares, as a fleet does; and the operator's steps, each taken
 * through the route source and the rules like any other route, with the evidence the rules ask for made by the real
 * backfill and verifier.
 */
final class RecordedMigration {

    /** The name of the generated {@code DualIncidentRepository}'s repository. */
    static final String REPOSITORY = "incidents";
    /** Attempts at backfill + verification while callers write, before the scenario gives up on NEW's evidence. */
    private static final int EVIDENCE_ATTEMPTS = 10;

    final Stores stores;
    /** The repository's name: its route, its record, its pending-sync rows. */
    final String repository;
    /** The store's models under the repository's name. */
    final Migration<String, Incident> migration;
    final MigrationRecord record;
    final InMemoryRouteSource routes = InMemoryRouteSource.create();
    int evidenceAttempts;

    RecordedMigration(Stores stores) {
        this(stores, REPOSITORY);
    }

    /** For another {@code @DualModel} interface over the same models (each interface has a name of its own). */
    RecordedMigration(Stores stores, String repository) {
        this.stores = stores;
        this.repository = repository;
        Migration<String, Incident> models = stores.migration;
        this.migration = Migration.of(repository, models.keyType(), models.oldModel(), models.newModel());
        this.record = record(stores);
    }

    /** The scope every instance of the scenario writes through; it counts the keys waiting for the repair. */
    CrossDatabaseScope scope() {
        if (scope == null) {
            scope = CrossDatabaseScope.builder().migration(migration, Stores.KEYS).meterRegistry(stores.registry)
                    .build();
        }
        return scope;
    }

    private CrossDatabaseScope scope;

    PendingSyncRepair repair() {
        return PendingSyncRepair.builder().migration(migration).meterRegistry(stores.registry).build();
    }

    /** The pending-sync repair, then the verifier: what the playbook runs after an incident. */
    Stores.Settled repairAndVerify() {
        RepairResult repaired = repair().repairNow();
        VerificationResult<String> verification = Verifier.builder(migration).meterRegistry(stores.registry).build()
                .verify();
        return new Stores.Settled(repaired, verification);
    }

    /** A record object of its own over the same tables: what another process, or this one restarted, builds. */
    static MigrationRecord record(Stores stores) {
        // A refused route is judged again this often while it is offered: short, so that a scenario waits little.
        return DatabaseMigrationRecord.builder(stores.oldSessions).recheckInterval(Duration.ofMillis(50)).build();
    }

    /** An instance as production builds one: rules on, the shared record, the cross-database scope. */
    DualRepo.Builder instance(RouteSource source, MigrationRecord record) {
        return DualRepo.builder().migrationRecord(record).routeSource(source).meterRegistry(stores.registry)
                .dualWriteScope(scope());
    }

    DualRepo instance() {
        return instance(routes, record).build();
    }

    /** The operator offers a stage; the route in force after the instance's next call. */
    Route offer(DualRepo dualRepo, Stage stage) {
        routes.set(repository, stage);
        return dualRepo.currentRoute(repository);
    }

    /** The operator offers a route that is no stage's preset (read-through). */
    Route offer(DualRepo dualRepo, Route route) {
        routes.set(repository, route);
        return dualRepo.currentRoute(repository);
    }

    /**
     * A step that the rules allow: it takes effect. Callers writing meanwhile may leave keys for the repair (a key
     * another caller changed between a write's two halves is not taken as synced): then, as the refusal says, the
     * operator runs the repair and offers the stage again, a bounded number of times.
     */
    void take(DualRepo dualRepo, Stage stage) {
        Route taken = offer(dualRepo, stage);
        for (int round = 0; round < 10 && !taken.equals(stage.route()) && waitingForRepair(dualRepo); round++) {
            repair().repairNow();
            dualRepo.refreshRecord(repository);
            taken = offer(dualRepo, stage);
        }
        assertThat(taken).as("%s offered; refusal: %s", stage, dualRepo.lastRefusal(repository))
                .isEqualTo(stage.route());
    }

    private boolean waitingForRepair(DualRepo dualRepo) {
        return dualRepo.lastRefusal(repository).map(reason -> reason.contains("wait for the repair")).orElse(false);
    }

    /**
     * Backfill into NEW and a clean verification after it, recorded, while callers may be writing: repeated (a
     * verification that ran into a write in flight is not clean) until the record says NEW is complete.
     */
    void completeNew(DualRepo dualRepo) {
        for (int attempt = 1; attempt <= EVIDENCE_ATTEMPTS; attempt++) {
            evidenceAttempts = attempt;
            Backfill.builder(migration).batchSize(100).restart().migrationRecord(record)
                    .meterRegistry(stores.registry).build().run();
            Verifier.builder(migration).migrationRecord(record).meterRegistry(stores.registry).build()
                    .verify();
            dualRepo.refreshRecord(repository);
            if (record.state(repository).newSide().status() == SideStatus.COMPLETE) {
                return;
            }
        }
        throw new AssertionError("NEW not complete after " + EVIDENCE_ATTEMPTS + " backfills and verifications: "
                + record.state(repository));
    }

    /** OLD_ONLY, DUAL_WRITE, evidence, SHADOW: where a migration is before reads may move. */
    void toShadow(DualRepo dualRepo) {
        take(dualRepo, Stage.DUAL_WRITE);
        completeNew(dualRepo);
        take(dualRepo, Stage.SHADOW);
    }

    /** Pending-sync rows in one model's database: writes the other model missed, waiting for the repair. */
    long pending(io.dualrepo.Side database) {
        var db = database == io.dualrepo.Side.OLD ? stores.oldDatabase : stores.newDatabase;
        return Long.parseLong(db.rows("select count(*) from " + PendingSyncTable.DEFAULT_NAME
                + " where repository = '" + repository + "'").get(0));
    }
}
