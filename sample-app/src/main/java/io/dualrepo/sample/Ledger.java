package io.dualrepo.sample;

import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.jspecify.annotations.Nullable;

/**
 * The demo's clients' own record of every write the application acknowledged, kept in a database of their own. A
 * write is lost when the model serving reads does not hold what this record says: the verifier, run over this
 * record and that model, counts them, rather than the demo assuming it.
 */
final class Ledger implements AutoCloseable {

    /** One acknowledged incident, as the client last wrote it. */
    @Entity(name = "AcknowledgedIncident")
    @Table(name = "acknowledged_incidents")
    public static class Row {
        @Id
        String id;

        @Column(nullable = false)
        String organisationId;

        @Column(nullable = false)
        String title;

        @Column(nullable = false)
        String status;

        protected Row() {}

        Row(Incident incident) {
            id = incident.id();
            organisationId = incident.organisationId();
            title = incident.title();
            status = incident.status();
        }

        /** Updates this row, found by the incident's id, to the incident. */
        void copy(Incident incident) {
            organisationId = incident.organisationId();
            title = incident.title();
            status = incident.status();
        }

        Incident toIncident() {
            return new Incident(id, organisationId, title, status);
        }
    }

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final SessionFactory database;
    private final Transactions transactions;

    Ledger() {
        this.database = new Configuration()
                .setProperty("hibernate.connection.url",
                        "jdbc:h2:mem:ledger-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.connection.username", "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.connection.pool_size", "8")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(Row.class)
                .buildSessionFactory();
        this.transactions = Transactions.of(database);
    }

    void acknowledged(Incident incident) {
        transactions.runInTransaction(session -> {
            Row row = session.find(Row.class, incident.id());
            if (row == null) {
                session.persist(new Row(incident));
            } else {
                row.copy(incident);
            }
        });
    }

    void acknowledgedAll(List<Incident> incidents) {
        transactions.runInTransaction(session -> incidents.forEach(incident -> session.persist(new Row(incident))));
    }

    void deleted(String id) {
        transactions.runInTransaction(session -> {
            Row row = session.find(Row.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }

    /** The clients' incidents of one organisation, as they last wrote them. */
    List<Incident> ofOrganisation(String organisationId) {
        return transactions.read(session -> session.createSelectionQuery(
                        "from AcknowledgedIncident where organisationId = :organisation order by id", Row.class)
                .setParameter("organisation", organisationId)
                .getResultList().stream().map(Row::toIncident).toList());
    }

    /**
     * This record against a model: missing there = an acknowledged write lost; differing = an acknowledged update
     * lost; present only there = an acknowledged delete undone.
     */
    VerificationResult<String> verifyAgainst(KeyedModel<String, Incident> model) {
        Migration<String, Incident> pair = Migration.of("acknowledged-writes", KeyType.STRING, new Model(), model);
        // Every lost write named, not a sample: the demo counts each once across its checks.
        return Verifier.builder(pair).maxSamples(1_000_000).build().verify();
    }

    @Override
    public void close() {
        database.close();
    }

    private final class Model implements KeyedModel<String, Incident> {
        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Incident value) {
            return value.id();
        }

        @Override
        public List<Incident> page(Session session, @Nullable String after, int limit) {
            return session.createSelectionQuery(
                            "from AcknowledgedIncident where :after is null or id > :after order by id", Row.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream().map(Row::toIncident).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                    "select id from AcknowledgedIncident where id in :keys", String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return Optional.ofNullable(session.find(Row.class, key)).map(Row::toIncident);
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            throw new UnsupportedOperationException("the clients' record is only read");
        }

        @Override
        public void put(Session session, Incident value) {
            throw new UnsupportedOperationException("the clients' record is only read");
        }

        @Override
        public void remove(Session session, String key) {
            throw new UnsupportedOperationException("the clients' record is only read");
        }
    }
}
