package io.dualrepo.hibernate.internal;

import java.util.Map;
import java.util.Objects;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.context.internal.ManagedSessionContext;
import org.hibernate.context.internal.ThreadLocalSessionContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.resource.transaction.spi.TransactionCoordinatorBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The transaction someone else opened on the current thread for a session factory: the factory's current session
 * ({@code hibernate.current_session_context_class}: Spring's, JTA's, "thread", "managed"), when it has a transaction
 * in progress. {@link io.dualrepo.hibernate.Transactions} joins it rather than opening a transaction of its own,
 * which would commit beside it and leave the caller's transaction without the write.
 */
public final class ExternalTransactions {

    private static final ExternalTransactions NONE = new ExternalTransactions(null, Kind.NONE, false);

    private enum Kind { NONE, THREAD, MANAGED, OTHER }

    /** Null only for {@link Kind#NONE}, which never looks at it. */
    private final @Nullable SessionFactory factory;
    private final Kind kind;
    private final boolean jta;

    private ExternalTransactions(@Nullable SessionFactory factory, Kind kind, boolean jta) {
        this.factory = factory;
        this.kind = kind;
        this.jta = jta;
    }

    public static ExternalTransactions of(SessionFactory factory) {
        boolean jta = jta(factory);
        Object context = factory.getProperties().get(AvailableSettings.CURRENT_SESSION_CONTEXT_CLASS);
        String name = context instanceof Class<?> type ? type.getName() : context == null ? null : context.toString();
        if (name == null || name.isBlank()) {
            // Without the setting, Hibernate gives a JTA factory the JTA context and other factories none.
            return jta ? new ExternalTransactions(factory, Kind.OTHER, true) : NONE;
        }
        Kind kind = switch (name.trim()) {
            case "thread", "org.hibernate.context.internal.ThreadLocalSessionContext" -> Kind.THREAD;
            case "managed", "org.hibernate.context.internal.ManagedSessionContext" -> Kind.MANAGED;
            default -> Kind.OTHER;
        };
        return new ExternalTransactions(factory, kind, jta);
    }

    /** Whether the factory's transactions are JTA's ({@code hibernate.transaction.coordinator_class}). */
    public boolean jta() {
        return jta;
    }

    /** Whether the factory has a current-session context at all. */
    public boolean configured() {
        return kind != Kind.NONE;
    }

    /** The factory's current session when a transaction is in progress in it on this thread. */
    public @Nullable Session active() {
        if (kind == Kind.NONE) {
            return null;
        }
        SessionFactory factory = Objects.requireNonNull(this.factory, "a kind other than NONE has a factory");
        Session current = switch (kind) {
            case NONE -> null;
            // Asking these two contexts for their session would create and bind one: look without asking.
            case THREAD -> ThreadBound.of(factory);
            case MANAGED -> ManagedSessionContext.hasBind(factory) ? factory.getCurrentSession() : null;
            case OTHER -> currentOrNull(factory);
        };
        return current != null && current.isOpen() && inProgress(current) ? current : null;
    }

    private static boolean inProgress(Session session) {
        try {
            // The "thread" context's session refuses most calls outside a transaction, never this one.
            return session.getTransaction().isActive();
        } catch (IllegalStateException jtaUnderJpaCompliance) {
            return session.isJoinedToTransaction();
        }
    }

    private static @Nullable Session currentOrNull(SessionFactory factory) {
        try {
            return factory.getCurrentSession();
        } catch (HibernateException | IllegalStateException noTransaction) {
            // JTA's and Spring's contexts throw when the thread has no transaction: then there is none to join.
            return null;
        }
    }

    private static boolean jta(SessionFactory factory) {
        return factory.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(TransactionCoordinatorBuilder.class).isJta();
    }

    /** Reads the "thread" context's map, which it keeps protected. Never instantiated. */
    private static final class ThreadBound extends ThreadLocalSessionContext {

        private ThreadBound() {
            super(null);
        }

        static @Nullable Session of(SessionFactory factory) {
            Map<SessionFactory, Session> bound = sessionMap();
            return bound == null ? null : bound.get(factory);
        }
    }
}
