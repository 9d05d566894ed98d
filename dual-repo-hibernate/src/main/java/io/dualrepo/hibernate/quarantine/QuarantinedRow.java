package io.dualrepo.hibernate.quarantine;

import io.dualrepo.Side;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the quarantine table: a key whose value one model could not take.
 *
 * @param repository the migration's name
 * @param key the key, as the migration's {@code KeyType} writes it
 * @param target the model that rejected the row: NEW for the backfill; either for the repair
 * @param foundBy what last tried it: {@code backfill <job>} or {@code repair}
 * @param exceptionClass the class of what the write threw (the outermost of its chain)
 * @param sqlState the first SQLState in that chain; none for a conversion that threw
 * @param error the whole chain's classes and SQLStates, messages withheld: a database's message quotes the rejected
 *     value, which may be sensitive
 * @param firstSeen when the row was first rejected
 * @param lastSeen when it was last rejected
 * @param attempts how many times it was tried and rejected, by any worker or pass
 */
public record QuarantinedRow(String repository, String key, Side target, String foundBy, String exceptionClass,
        @Nullable String sqlState, String error, Instant firstSeen, Instant lastSeen, int attempts) {}
