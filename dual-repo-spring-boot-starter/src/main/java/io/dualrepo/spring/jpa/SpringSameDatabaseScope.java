package io.dualrepo.spring.jpa;

import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.util.Objects;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.orm.jpa.JpaDialect;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Dual writes for two models that write through one JPA {@code EntityManagerFactory} (Hibernate) under Spring's
 * {@link JpaTransactionManager}: both halves run in the caller's transaction ({@code @Transactional}), or in one this
 * scope begins and commits when the caller has none. The models reach the transaction as any Spring JPA code does:
 * through the shared {@code EntityManager} ({@code @PersistenceContext}) or Spring Data repositories.
 *
 * <p>By default the secondary's write runs in a savepoint: if it fails, only it rolls back, and the primary's write
 * commits with the caller's transaction. The secondary writes through a Hibernate session of its own on the
 * transaction's connection, bound in place of Spring's for the length of its call, so that an entity that failed
 * never stays in the persistence context the caller commits, and its flush runs inside the call: a failure the
 * database reports only at flush (a column too short, a constraint) is seen and counted as the secondary's. It is
 * logged and handed to the {@link io.dualrepo.write.FailedWriteSink} only once the transaction has committed, never
 * for a write that rolled back whole.
 *
 * <p>{@link #bothOrNeither} makes it {@linkplain #atomic() atomic}: a failed secondary write rolls the transaction
 * back (the caller's is marked rollback-only) and fails the call.
 *
 * <p>Failures this scope raises itself, at the flushes it runs, are translated into Spring's {@link
 * DataAccessException}s by the transaction manager's {@link JpaDialect}, as Spring translates a failure at commit;
 * what a model throws is passed on unchanged (a {@code @Repository} model's exceptions are translated by Spring).
 *
 * <p>Hibernate's own {@code SameDatabaseScope} cannot serve here: Spring Boot configures no Hibernate current-session
 * context, so that scope would write in a transaction of its own beside Spring's.
 */
public final class SpringSameDatabaseScope implements DualWriteScope {

    private static final TransactionDefinition REQUIRED = new DefaultTransactionDefinition();

    private final JpaTransactionManager transactionManager;
    /** The transaction manager's: the key Spring binds the transaction's EntityManager under. */
    private final EntityManagerFactory entityManagerFactory;
    private final SessionFactory sessionFactory;
    private final JpaDialect dialect;
    private final boolean bothOrNeither;

    private SpringSameDatabaseScope(JpaTransactionManager transactionManager, boolean bothOrNeither) {
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
        this.entityManagerFactory = Objects.requireNonNull(transactionManager.getEntityManagerFactory(),
                "the JpaTransactionManager has no EntityManagerFactory");
        try {
            this.sessionFactory = entityManagerFactory.unwrap(SessionFactory.class);
        } catch (PersistenceException notHibernate) {
            throw new IllegalStateException("SpringSameDatabaseScope needs Hibernate as the JPA provider: its"
                    + " EntityManagerFactory is not a Hibernate SessionFactory", notHibernate);
        }
        this.dialect = transactionManager.getJpaDialect();
        this.bothOrNeither = bothOrNeither;
    }

    /** The default scope: the secondary in a savepoint, the primary's write committed even when it fails. */
    public static SpringSameDatabaseScope of(JpaTransactionManager transactionManager) {
        return new SpringSameDatabaseScope(transactionManager, false);
    }

    /** Both models take a write or neither does; a failed secondary write fails the call, whatever the policy. */
    public static SpringSameDatabaseScope bothOrNeither(JpaTransactionManager transactionManager) {
        return new SpringSameDatabaseScope(transactionManager, true);
    }

    @Override
    public boolean atomic() {
        return bothOrNeither;
    }

    @Override
    public <R> R run(DualWrite<R> write) throws Throwable {
        TransactionStatus status = transactionManager.getTransaction(REQUIRED);
        R result;
        Throwable secondaryFailure;
        try {
            result = write.writePrimary();
            Session primary = transactionSession();
            // What the primary (or the caller, before it) left unflushed reaches the database before the savepoint,
            // so that rolling back to it cannot undo any of it.
            flush(primary);
            secondaryFailure = secondaryInSavepoint(primary, write);
        } catch (Throwable primaryFailure) {
            // The caller's transaction is the caller's to end: a failed primary write is its failure, as without us.
            if (status.isNewTransaction()) {
                rollBack(status, primaryFailure);
            }
            throw primaryFailure;
        }
        if (secondaryFailure == null) {
            transactionManager.commit(status);
            return result;
        }
        if (bothOrNeither) {
            // In the caller's transaction this marks it rollback-only: it cannot commit the primary's half alone.
            rollBack(status, secondaryFailure);
            throw secondaryFailure;
        }
        Throwable failure = secondaryFailure;
        // The transaction may still roll back, taking the primary's write with it: report once it has committed.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int completion) {
                if (completion == STATUS_COMMITTED) {
                    write.recordSecondaryFailure(failure);
                }
            }
        });
        transactionManager.commit(status);
        if (write.secondaryFailureFailsCall()) {
            throw failure;
        }
        return result;
    }

    private Session transactionSession() {
        Object bound = TransactionSynchronizationManager.getResource(entityManagerFactory);
        if (!(bound instanceof EntityManagerHolder held)) {
            throw new IllegalStateException("no EntityManager is bound to the transaction the JpaTransactionManager"
                    + " began or joined: the caller's transaction is not that manager's");
        }
        return held.getEntityManager().unwrap(Session.class);
    }

    private @Nullable Throwable secondaryInSavepoint(Session primary, DualWrite<?> write) {
        Connection connection = primary.doReturningWork(c -> c);
        Savepoint savepoint = savepoint(connection);
        Throwable failure;
        try (Session secondary = sessionFactory.withOptions().connection(connection).openSession()) {
            // Its transaction only lets it flush: it is never committed, Spring's is. Closing the session leaves the
            // connection, and the transaction on it, as they are.
            secondary.beginTransaction();
            EntityManagerHolder holder = new SecondaryHolder(secondary);
            Object previous = TransactionSynchronizationManager.unbindResource(entityManagerFactory);
            TransactionSynchronizationManager.bindResource(entityManagerFactory, holder);
            try {
                failure = write.writeSecondaryHoldingFailure(() -> flush(secondary));
            } finally {
                TransactionSynchronizationManager.unbindResource(entityManagerFactory);
                TransactionSynchronizationManager.bindResource(entityManagerFactory, previous);
            }
        }
        try {
            if (failure != null) {
                connection.rollback(savepoint);
            } else {
                release(connection, savepoint);
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("could not end the savepoint of the secondary's write", e);
        }
        return failure;
    }

    private static Savepoint savepoint(Connection connection) {
        try {
            return connection.setSavepoint();
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("could not set a savepoint for the secondary's write", e);
        }
    }

    private static void release(Connection connection, Savepoint savepoint) throws SQLException {
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLFeatureNotSupportedException notNeeded) {
            // Some drivers keep savepoints until the transaction ends: harmless for one savepoint per write.
        }
    }

    /** Flushes, with a failure translated as Spring translates one at commit. */
    private void flush(Session session) {
        try {
            session.flush();
        } catch (RuntimeException e) {
            DataAccessException translated = dialect.translateExceptionIfPossible(e);
            throw translated != null ? translated : e;
        }
    }

    /**
     * The secondary's session as Spring sees it while the secondary writes. Synchronized already, so that Spring
     * neither joins it to the transaction nor closes it at the end; and in a transaction, so that a model's own
     * {@code @Transactional} (every Spring Data repository's) joins it rather than beginning one beside it.
     */
    private static final class SecondaryHolder extends EntityManagerHolder {

        SecondaryHolder(Session secondary) {
            super(secondary);
            setSynchronizedWithTransaction(true);
            setTransactionActive(true);
        }
    }

    private void rollBack(TransactionStatus status, Throwable cause) {
        try {
            transactionManager.rollback(status);
        } catch (RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
