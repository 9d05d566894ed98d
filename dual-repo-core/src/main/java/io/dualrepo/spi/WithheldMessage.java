package io.dualrepo.spi;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model's exception as the logs may show it: its class, its stack and its causes, without any message. The
 * messages of data-layer exceptions quote the values written (a duplicate key, a constraint violation), which can
 * be fields marked {@link io.dualrepo.Sensitive}; the exception itself, message and all, still goes to the
 * {@link io.dualrepo.write.FailedWriteSink}. A {@link SQLException}'s SQLState is kept: it names the kind of failure
 * (23505, a unique violation; 08001, no connection) and quotes nothing.
 */
public final class WithheldMessage extends RuntimeException {

    // A cause chain is short in practice; the bound only guards against a pathological or cyclic one.
    private static final int MAX_CAUSES = 16;

    private WithheldMessage(Throwable original, @Nullable WithheldMessage cause) {
        super(name(original) + " (message withheld: it may quote the values written)", cause, false, true);
        setStackTrace(original.getStackTrace());
    }

    /** {@code error}'s chain, each exception replaced by one that keeps its class, SQLState and stack only. */
    public static WithheldMessage of(Throwable error) {
        List<Throwable> chain = chain(error);
        // The chain holds error itself at least.
        WithheldMessage shown = new WithheldMessage(chain.get(chain.size() - 1), null);
        for (int i = chain.size() - 2; i >= 0; i--) {
            shown = new WithheldMessage(chain.get(i), shown);
        }
        return shown;
    }

    /**
     * One line for a report: the classes of {@code error}'s chain, outermost first, with SQLStates, for example
     * {@code org.hibernate.exception.ConstraintViolationException <- org.postgresql.util.PSQLException [SQLState
     * 23505] (messages withheld)}.
     */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain(error)) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(name(t));
        }
        return text.append(" (messages withheld)").toString();
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && chain.size() <= MAX_CAUSES; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String name(Throwable t) {
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            return t.getClass().getName() + " [SQLState " + sql.getSQLState() + "]";
        }
        return t.getClass().getName();
    }
}
