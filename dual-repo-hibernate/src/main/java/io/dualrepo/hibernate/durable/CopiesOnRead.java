package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrate-on-read copies into NEW for {@link CrossDatabaseScope}, ordered with every instance's writes to their keys.
 * The decorator's own copy is ordered with its process's writes only: another instance's write that ran to its end
 * between the copy's read of OLD and its write of NEW was overwritten in NEW by the value read before it (a save
 * lost; a delete undone), and NEW, answering reads first, served it (found by {@code ConcurrentHistoriesTest} with
 * two instances).
 *
 * <p>A copy here first commits a marker per key in OLD's database, then syncs each key from OLD's current value
 * ({@link KeySync}: OLD read after the marker committed, and again once NEW's row is held, the round rolled back when
 * OLD moved), then removes the markers. A write to the key waits, after its commit in OLD and before its NEW half,
 * while a marker is there ({@link EarlierWrites}), so its NEW half lands after the copy's. What the read answered is
 * used for its keys only: NEW gets what OLD holds when the copy runs, never an older value. Cost: two short
 * transactions in OLD's database per copy, besides the sync; a copy is made once per row.
 */
final class CopiesOnRead {

    private static final Logger log = LoggerFactory.getLogger(CrossDatabaseScope.class);

    private final PendingSyncTable table;
    private final AfterWrite afterWrite;

    CopiesOnRead(PendingSyncTable table, AfterWrite afterWrite) {
        this.table = table;
        this.afterWrite = afterWrite;
    }

    /**
     * Copies the keys of {@code answered} from OLD into NEW.
     *
     * @return false when the values are not the migration's, or the caller has a transaction open on OLD's database
     *     (a marker would commit only with it): the decorator copies then, as without the scope
     */
    boolean copy(Registration<?> registration, List<?> answered) {
        List<String> keys = registration.encodedKeysOfValues(answered);
        Transactions old = registration.transactions(Side.OLD);
        if (keys == null || old.inTransaction()) {
            return false;
        }
        if (keys.isEmpty()) {
            return true;
        }
        whileMarked(table, registration, keys, () -> {
            for (String key : new LinkedHashSet<>(keys)) {
                afterWrite.syncEncoded(registration, Side.OLD, key);
            }
        });
        return true;
    }

    /**
     * Runs {@code copy} with the keys marked in OLD's pending-sync table as copied into NEW: the markers commit
     * before it starts, so that every write to the keys that commits in OLD after it read OLD finds them, and are
     * removed once it ends, whatever it threw.
     */
    static void whileMarked(PendingSyncTable table, Registration<?> registration, List<String> keys, Runnable copy) {
        whileMarked(table, registration.repository(), registration.transactions(Side.OLD), keys, Side.NEW, () -> {
            copy.run();
            return true;
        });
    }

    /** As above, for a copy into {@code target} from the model whose database {@code source} is; its result. */
    static <T> T whileMarked(PendingSyncTable table, String repository, Transactions source, List<String> keys,
            Side target, Supplier<T> copy) {
        List<Long> markers = source.inTransaction(session ->
                table.insertCopyMarkers(session, repository, keys, target));
        try {
            return copy.get();
        } finally {
            try {
                source.runInTransaction(session -> {
                    table.delete(session, markers);
                });
            } catch (RuntimeException e) {
                // Writes to the keys wait for the markers until they age out; the repair then syncs the keys.
                log.warn("{}: could not remove {} copy marker(s) from {}", repository, markers.size(), table,
                        WithheldMessage.of(e));
            }
        }
    }
}
