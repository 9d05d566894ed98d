package io.dualrepo.hibernate;

import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * A base for one model's repository over Hibernate: {@link #read} and {@link #write} give the work a session,
 * joining the caller's transaction when there is one ({@link Transactions#inTransaction}, or a dual write in a
 * {@link SameDatabaseScope}) and using a transaction of their own otherwise. Safe to call from any thread.
 *
 * <pre>{@code
 * final class LegacyIncidents extends HibernateRepository implements IncidentRepository {
 *     LegacyIncidents(SessionFactory sessions) { super(sessions); }
 *
 *     public Optional<Incident> findById(String id) {
 *         return read(session -> Optional.ofNullable(session.find(IncidentRow.class, id))
 *                 .map(IncidentRow::toIncident));
 *     }
 *
 *     public void save(Incident incident) {
 *         write(session -> session.merge(IncidentRow.of(incident)));
 *     }
 * }
 * }</pre>
 */
public abstract class HibernateRepository {

    private final Transactions transactions;

    protected HibernateRepository(SessionFactory sessionFactory) {
        this.transactions = Transactions.of(sessionFactory);
    }

    protected final Transactions transactions() {
        return transactions;
    }

    protected final <R> R read(Function<Session, R> work) {
        return transactions.read(work);
    }

    protected final <R> R writeReturning(Function<Session, R> work) {
        return transactions.write(work);
    }

    protected final void write(Consumer<Session> work) {
        transactions.write(session -> {
            work.accept(session);
            return null;
        });
    }
}
