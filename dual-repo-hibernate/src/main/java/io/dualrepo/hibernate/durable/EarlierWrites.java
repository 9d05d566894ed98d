package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders a dual write under read-through with what other instances write to its keys in NEW, where {@link KeyLocks}
 * orders only this process's writes and the decorator only this process's migrate-on-read copies. Once its primary's
 * half has committed, and before its secondary's half, a write waits until no earlier write to its keys and no
 * migrate-on-read copy of them ({@link CopiesOnRead}) is still in flight, as the pending rows in the primary's
 * database say: a write's rows are cleared once both models took it (or marked as missed), a copy's marker once it
 * ends.
 *
 * <ul>
 *   <li>Two instances' writes to a key commit in the primary one after the other (the second waits for the first's
 *       row lock), and their rows' ids follow that order. Without the wait the second could reach NEW first and
 *       return; the first, landing after it, showed readers of NEW the older value after a newer one was
 *       acknowledged, until its check after the write synced the key again.
 *   <li>A copy commits its marker before it reads OLD. A copy that read OLD before this write committed there had its
 *       marker committed before this write's commit, so the write, looking after its commit, finds it, and its
 *       NEW half lands after the copy's. Looking inside the write's transaction could miss it.
 * </ul>
 *
 * <p>A write waits only for rows older than its own and for markers, which never wait themselves, so no two wait for
 * each other. It costs a write under read-through one indexed query in a read transaction on the primary's database,
 * and a wait only where writes or copies of a key overlap. The wait is bounded at {@value #WAIT_MILLIS} ms, as a slow
 * secondary or a process that dies on the way must not stop the key's writes; past it the write goes on unordered, and
 * the check after each write and the repair bring the models in line, as they did before. Rows older than {@link
 * CrossDatabaseScope#IN_FLIGHT_GRACE} are not waited for: their writers are gone, and the repair has them.
 */
final class EarlierWrites {

    private static final Logger log = LoggerFactory.getLogger(EarlierWrites.class);
    static final long WAIT_MILLIS = 500;
    private static final long LONGEST_PAUSE_MILLIS = 16;

    private final PendingSyncTable table;
    private final OrderWaits expired;

    EarlierWrites(PendingSyncTable table, OrderWaits expired) {
        this.table = table;
        this.expired = expired;
    }

    /**
     * Waits, bounded, until no write recorded before {@code firstRow} and no copy is still writing {@code keys} to
     * {@code target}.
     *
     * @param transactions the primary's database, where the rows are
     */
    void awaitFinished(String repository, Transactions transactions, List<String> keys, Side target, long firstRow) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        long pause = 1;
        while (true) {
            boolean earlierInFlight;
            try {
                Instant since = Instant.now().minus(CrossDatabaseScope.IN_FLIGHT_GRACE);
                earlierInFlight = transactions.read(session ->
                        table.inFlightBefore(session, repository, keys, target, firstRow, since));
            } catch (RuntimeException e) {
                log.debug("{}: could not look for earlier writes to the same key(s); the write goes on unordered",
                        repository, WithheldMessage.of(e));
                expired.expired(repository, OrderWaits.EARLIER_WRITES);
                return;
            }
            if (!earlierInFlight) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                log.debug("{}: a write waited {} ms for another instance's write or copy of the same key(s) and goes"
                        + " on unordered", repository, WAIT_MILLIS);
                expired.expired(repository, OrderWaits.EARLIER_WRITES);
                return;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
        }
    }
}
