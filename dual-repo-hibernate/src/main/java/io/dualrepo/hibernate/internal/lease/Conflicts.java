package io.dualrepo.hibernate.internal.lease;

import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.sql.SQLException;
import java.util.Set;
import org.hibernate.StaleStateException;

/** Which failures a batch retries: a concurrent writer got in the way, and trying again converges. */
public final class Conflicts {

    private static final Set<String> SQL_STATES = Set.of(
            "23505", // unique violation: a dual write inserted one of the batch's keys first
            "40001", // serialization failure; H2's deadlock
            "40P01", // PostgreSQL deadlock
            "55P03", // PostgreSQL lock not available
            "HYT00", // H2 lock timeout
            "90131"); // H2 concurrent update

    private Conflicts() {}

    public static boolean isConflict(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof StaleStateException || t instanceof OptimisticLockException
                    || t instanceof PessimisticLockException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && SQL_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
