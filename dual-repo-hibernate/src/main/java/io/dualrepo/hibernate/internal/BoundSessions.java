package io.dualrepo.hibernate.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sessions with an open transaction on the current thread, one per session factory, so that repository
 * calls made inside {@link io.dualrepo.hibernate.Transactions#inTransaction} join it. Other threads (shadow reads
 * among them) see none and open their own.
 */
public final class BoundSessions {

    private static final ThreadLocal<Map<SessionFactory, Session>> BOUND =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private BoundSessions() {}

    public static @Nullable Session current(SessionFactory factory) {
        return BOUND.get().get(factory);
    }

    public static void bind(SessionFactory factory, Session session) {
        Session previous = BOUND.get().putIfAbsent(factory, session);
        if (previous != null) {
            throw new IllegalStateException("a transaction of this session factory is already open on this thread");
        }
    }

    /**
     * Binds {@code session} in place of the one bound now (for a nested unit of work on the same connection, such
     * as a savepoint); returns what was bound, for {@link #restore}.
     */
    public static @Nullable Session replace(SessionFactory factory, Session session) {
        return BOUND.get().put(factory, session);
    }

    /** Undoes {@link #replace}: binds {@code previous} again, or nothing when nothing was bound. */
    public static void restore(SessionFactory factory, @Nullable Session previous) {
        if (previous == null) {
            unbind(factory);
        } else {
            BOUND.get().put(factory, previous);
        }
    }

    public static void unbind(SessionFactory factory) {
        Map<SessionFactory, Session> bound = BOUND.get();
        bound.remove(factory);
        if (bound.isEmpty()) {
            BOUND.remove();
        }
    }
}
