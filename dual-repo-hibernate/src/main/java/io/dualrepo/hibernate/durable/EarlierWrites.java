package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders dual writes to a key across instances under read-through, where {@link KeyLocks} orders only this
 * process's. Two instances' writes to a key commit in the primary one after the other (the second waits for the
 * first's row lock), and their pending rows' ids follow that order. Without more, the second could reach the
 * secondary first and return; the first's secondary half, landing after it, then showed readers of NEW the older
 * value after a newer one was acknowledged, until the first's check after its write synced the key again. So a write,
 * once its primary's half has committed, waits before its secondary's half until no earlier write to its keys is
 * still in flight: until their rows are gone (cleared once both models took them) or marked as missed.
 *
 * <p>The first look runs in the write's own transaction, right after its rows are written, and costs a write under
 * read-through one indexed query there: under read committed, a write that held the key's row before this one
 * committed before this one's statement began, so its rows are seen. Only when one is found does the write poll, after
 * its commit, until it is done. Ids order the wait (a write waits only for rows older than its own), so two writes
 * never wait for each other. The wait is bounded at {@value #WAIT_MILLIS} ms, as a slow secondary or a process that
 * dies between its halves must not stop the key's writes; past it the write goes on unordered, and the check after
 * each write and the repair bring the models in line, as they did before. Rows older than {@link
 * CrossDatabaseScope#IN_FLIGHT_GRACE} are not waited for: their writers are gone, and the repair has them.
 */
final class EarlierWrites {

    private static final Logger log = LoggerFactory.getLogger(EarlierWrites.class);
    static final long WAIT_MILLIS = 500;
    private static final long LONGEST_PAUSE_MILLIS = 16;

    private final PendingSyncTable table;

    EarlierWrites(PendingSyncTable table) {
        this.table = table;
    }

    /** The first look, in the write's transaction on the primary's database. */
    boolean inFlight(Session session, String repository, List<String> keys, Side target, long firstRow) {
        return table.inFlightBefore(session, repository, keys, target, firstRow,
                Instant.now().minus(CrossDatabaseScope.IN_FLIGHT_GRACE));
    }

    /**
     * Waits, bounded, until no write recorded before {@code firstRow} is still writing {@code keys} to {@code
     * target}.
     *
     * @param transactions the primary's database, where the rows are
     */
    void awaitFinished(String repository, Transactions transactions, List<String> keys, Side target, long firstRow) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        long pause = 1;
        while (true) {
            boolean earlierInFlight;
            try {
                earlierInFlight = transactions.read(session -> inFlight(session, repository, keys, target, firstRow));
            } catch (RuntimeException e) {
                log.debug("{}: could not look for earlier writes to the same key(s); the write goes on unordered",
                        repository, WithheldMessage.of(e));
                return;
            }
            if (!earlierInFlight) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                log.debug("{}: a write waited {} ms for another instance's write to the same key(s) and goes on"
                        + " unordered", repository, WAIT_MILLIS);
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
