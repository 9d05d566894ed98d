package io.dualrepo.reliability;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.RepairResult;
import io.dualrepo.hibernate.durable.WriteKeys;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentModels;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.IncidentStatusRow;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import io.dualrepo.hibernate.model.LegacyIncidents;
import io.dualrepo.hibernate.model.StatusIds;
import io.dualrepo.hibernate.model.StatusTableIncidentRow;
import io.dualrepo.hibernate.model.StatusTableIncidents;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import org.h2.tools.Server;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * The incident migration across two databases, each reached through a {@link TcpProxy}: OLD ({@code incidents},
 * status text) and NEW ({@code incidents_v2} + {@code incident_statuses}). On H2 the databases are in-memory ones
 * served over TCP by an H2 server in this JVM, so that H2 is reached over a real socket too; on PostgreSQL they are
 * schemas of the local server. Dual writes go through {@link CrossDatabaseScope}: a write the secondary misses
 * leaves a pending-sync row, and {@link #repairAndVerify} settles it.
 */
final class Stores implements AutoCloseable {

    static final List<String> ORGANISATIONS = List.of("org-1", "org-2");
    static final WriteKeys<String> KEYS = WriteKeys.<String>builder()
            .on("save", arguments -> ((Incident) arguments.get(0)).id())
            .on("deleteById", arguments -> (String) arguments.get(0))
            .on("updateStatus", arguments -> (String) arguments.get(0))
            .build();

    private static Server h2Server;

    final TestDatabase oldDatabase;
    final TestDatabase newDatabase;
    final TcpProxy oldProxy;
    final TcpProxy newProxy;
    final SessionFactory oldSessions;
    final SessionFactory newSessions;
    final Migration<String, Incident> migration;
    final MeterRegistry registry;

    Stores(MeterRegistry registry) throws IOException {
        this.registry = registry;
        this.oldDatabase = TestDatabase.create();
        this.newDatabase = TestDatabase.create();
        // Tables first, over a direct connection; the proxied factories only attach to them.
        oldDatabase.sessionFactory(LegacyIncidentRow.class).close();
        SessionFactory direct = newDatabase.sessionFactory(IncidentStatusRow.class, StatusTableIncidentRow.class);
        Transactions.of(direct).runInTransaction(session -> {
            StatusIds.createDefaults(session, ORGANISATIONS);
        });
        direct.close();
        this.oldProxy = proxyFor(oldDatabase);
        this.newProxy = proxyFor(newDatabase);
        this.oldSessions = proxied(oldDatabase, oldProxy, LegacyIncidentRow.class);
        this.newSessions = proxied(newDatabase, newProxy, IncidentStatusRow.class, StatusTableIncidentRow.class);
        this.migration = IncidentModels.newTables(oldSessions, newSessions);
        PendingSyncTable.defaults().createIfMissing(oldSessions);
        PendingSyncTable.defaults().createIfMissing(newSessions);
    }

    static String databaseName() {
        return TestDatabase.postgresql() ? "PostgreSQL" : "H2";
    }

    private static synchronized int h2Port() {
        if (h2Server == null) {
            try {
                h2Server = Server.createTcpServer("-tcpPort", "0").start();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot start an H2 TCP server", e);
            }
        }
        return h2Server.getPort();
    }

    private static TcpProxy proxyFor(TestDatabase database) throws IOException {
        if (TestDatabase.postgresql()) {
            URI uri = URI.create(database.url().substring("jdbc:".length()));
            return new TcpProxy(uri.getHost(), uri.getPort());
        }
        return new TcpProxy("127.0.0.1", h2Port());
    }

    /** The database's URL with the proxy as its host. */
    static String throughProxy(TestDatabase database, TcpProxy proxy) {
        String url = database.url();
        if (TestDatabase.postgresql()) {
            return url.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
        }
        return url.replace("jdbc:h2:mem:", "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:");
    }

    private static SessionFactory proxied(TestDatabase database, TcpProxy proxy, Class<?>... entities) {
        Configuration configuration = new Configuration()
                .setProperty("hibernate.connection.url", throughProxy(database, proxy))
                .setProperty("hibernate.connection.username", database.user())
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.connection.provider_class", UnpooledConnections.class.getName())
                .setProperty("hibernate.hbm2ddl.auto", "none")
                .setProperty("hibernate.show_sql", "false");
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration.buildSessionFactory();
    }

    CrossDatabaseScope scope() {
        return CrossDatabaseScope.builder().migration(migration, KEYS).meterRegistry(registry).build();
    }

    /** The scope with the secondary's writes bounded: a caller waits for them {@code secondaryWriteTimeout} at most. */
    CrossDatabaseScope scope(Duration secondaryWriteTimeout) {
        return CrossDatabaseScope.builder().migration(migration, KEYS).meterRegistry(registry)
                .secondaryWriteTimeout(secondaryWriteTimeout).build();
    }

    IncidentRepository oldRepository() {
        return new LegacyIncidents(oldSessions);
    }

    IncidentRepository newRepository() {
        return new StatusTableIncidents(newSessions);
    }

    Optional<Incident> find(Side side, String key) {
        var model = migration.model(side);
        return model.transactions().read(session -> model.find(session, key));
    }

    /** Writes an incident straight into one model, as if it had always been there. */
    void put(Side side, Incident incident) {
        var model = migration.model(side);
        model.transactions().runInTransaction(session -> {
            model.put(session, incident);
        });
    }

    /** The pending-sync repair, then the verifier: what the playbook runs after an incident. */
    Settled repairAndVerify() {
        RepairResult repair = PendingSyncRepair.builder().migration(migration).meterRegistry(registry).build()
                .repairNow();
        VerificationResult<String> verification = Verifier.builder(migration).meterRegistry(registry).build()
                .verify();
        return new Settled(repair, verification);
    }

    record Settled(RepairResult repair, VerificationResult<String> verification) {}

    DualRepo.Builder dualRepo() {
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        return DualRepo.builder().enforceTransitions(false).meterRegistry(registry).dualWriteScope(scope());
    }

    @Override
    public void close() throws SQLException {
        oldProxy.close();
        newProxy.close();
        oldSessions.close();
        newSessions.close();
        oldDatabase.close();
        newDatabase.close();
    }
}
