package io.dualrepo.hibernate;

import io.dualrepo.hibernate.internal.BoundSessions;
import io.dualrepo.hibernate.internal.CommitDurability;
import io.dualrepo.hibernate.internal.ExternalTransactions;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.jspecify.annotations.Nullable;

/**
 * Transactions over one {@link SessionFactory} that repository calls can join. {@link #inTransaction} opens a
 * transaction bound to the current thread; {@link #read} and {@link #write} join it when there is one, and run in a
 * transaction of their own when there is not. Safe from any thread: a thread without a bound transaction (such as
 * a shadow-read thread) always gets its own session.
 *
 * <p>A transaction someone else manages is joined too: when the factory has a current-session context ({@code
 * hibernate.current_session_context_class}, as Spring's {@code SpringSessionContext}, JTA's, {@code thread} or
 * {@code managed}) and its current session has a transaction in progress on this thread, every call here runs in
 * that session and leaves the commit to its owner. It never opens a transaction of its own beside one.
 */
public final class Transactions {

    private final SessionFactory factory;
    private final ExternalTransactions external;

    private Transactions(SessionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.external = ExternalTransactions.of(factory);
        CommitDurability.check(factory);
    }

    public static Transactions of(SessionFactory factory) {
        return new Transactions(factory);
    }

    public SessionFactory sessionFactory() {
        return factory;
    }

    /** Whether the current thread is inside a transaction of this session factory (its own or someone else's). */
    public boolean inTransaction() {
        return joined() != null;
    }

    /** The session of the transaction this thread is in: one of ours, else the factory's current one. */
    @Nullable Session joined() {
        Session bound = BoundSessions.current(factory);
        return bound != null ? bound : external.active();
    }

    ExternalTransactions external() {
        return external;
    }

    /**
     * Runs {@code work} in a transaction that {@code read} and {@code write} calls on this thread join: committed
     * when it returns, rolled back when it throws. Inside another such transaction of the same factory, it simply
     * joins that one.
     */
    public <R> R inTransaction(Function<Session, R> work) {
        Session joined = joined();
        if (joined != null) {
            return work.apply(joined);
        }
        try (Session session = factory.openSession()) {
            Transaction transaction = session.beginTransaction();
            BoundSessions.bind(factory, session);
            R result;
            try {
                result = work.apply(session);
            } catch (RuntimeException | Error e) {
                rollBack(transaction, e);
                throw e;
            } finally {
                BoundSessions.unbind(factory);
            }
            transaction.commit();
            return result;
        }
    }

    /** As {@link #inTransaction(Function)}, for work that returns nothing. */
    public void runInTransaction(Consumer<Session> work) {
        inTransaction(session -> {
            work.accept(session);
            return null;
        });
    }

    /** A read: joins the thread's transaction, or runs in a read-only one of its own. */
    public <R> R read(Function<Session, R> work) {
        Session joined = joined();
        if (joined != null) {
            return work.apply(joined);
        }
        try (Session session = factory.openSession()) {
            session.setDefaultReadOnly(true);
            Transaction transaction = session.beginTransaction();
            try {
                R result = work.apply(session);
                transaction.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollBack(transaction, e);
                throw e;
            }
        }
    }

    /** A write: joins the thread's transaction (and is flushed with it), or commits in one of its own. */
    public <R> R write(Function<Session, R> work) {
        Session joined = joined();
        if (joined != null) {
            R result = work.apply(joined);
            // Flush now, so that a constraint violation fails this write, not whichever call commits later.
            joined.flush();
            return result;
        }
        return inTransaction(work);
    }

    private static void rollBack(Transaction transaction, Throwable cause) {
        try {
            if (transaction.isActive()) {
                transaction.rollback();
            }
        } catch (RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
