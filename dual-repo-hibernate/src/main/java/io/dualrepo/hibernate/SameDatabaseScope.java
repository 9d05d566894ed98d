package io.dualrepo.hibernate;

import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import java.util.Objects;
import org.hibernate.SessionFactory;

/**
 * Dual writes for two models behind one {@link SessionFactory}: both halves run in one transaction, so the models
 * take each write both or neither. If the second write throws after the first one's statements ran, everything
 * rolls back and the caller gets the exception.
 *
 * <pre>{@code
 * DualRepo dualRepo = DualRepo.builder()
 *         .dualWriteScope(SameDatabaseScope.of(sessionFactory))
 *         ...
 * }</pre>
 *
 * <p>The models' repositories must run their writes through this factory's {@link Transactions} (or extend
 * {@link HibernateRepository}) so that they join the transaction.
 */
public final class SameDatabaseScope implements DualWriteScope {

    private final Transactions transactions;

    private SameDatabaseScope(SessionFactory sessionFactory) {
        this.transactions = Transactions.of(Objects.requireNonNull(sessionFactory, "sessionFactory"));
    }

    public static SameDatabaseScope of(SessionFactory sessionFactory) {
        return new SameDatabaseScope(sessionFactory);
    }

    @Override
    public boolean atomic() {
        return true;
    }

    @Override
    public <R> R run(DualWrite<R> write) throws Throwable {
        try {
            return transactions.inTransaction(session -> {
                try {
                    R result = write.writePrimary();
                    write.writeSecondary();
                    return result;
                } catch (Throwable e) {
                    throw new Carrier(e);
                }
            });
        } catch (Carrier carrier) {
            throw carrier.getCause();
        }
    }

    /** Carries a model's checked exception through the transaction's Function, to be rethrown unchanged. */
    private static final class Carrier extends RuntimeException {
        Carrier(Throwable cause) {
            super(null, cause, false, false);
        }
    }
}
