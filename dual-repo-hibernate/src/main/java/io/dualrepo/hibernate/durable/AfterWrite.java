package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.HibernateMeters;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.write.DualWrite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a {@link CrossDatabaseScope} write's pending rows once its halves have run: cleared when both
 * models took the write and hold the same values at its keys, kept and marked for {@link PendingSyncRepair} when
 * the secondary missed it, and, when a concurrent write left the models apart, the keys synced from the primary
 * before the call returns. The scope decides when each half runs; this decides what the rows then say.
 */
final class AfterWrite {

    // The scope's logger: what is logged here is the scope's doing, and deployments configure it by that name.
    private static final Logger log = LoggerFactory.getLogger(CrossDatabaseScope.class);
    static final String RACED = "raced: after the write the models held different values (a concurrent"
            + " write to the key landed in another order on each side)";

    private final PendingSyncTable table;
    private final Map<String, KeySync<?, ?>> syncs = new HashMap<>();
    private final Map<String, Map<Side, Counter>> left = new HashMap<>();

    AfterWrite(PendingSyncTable table, Collection<Registration<?>> registrations, MeterRegistry meterRegistry) {
        this.table = table;
        for (Registration<?> registration : registrations) {
            syncs.put(registration.repository(), KeySync.of(registration.migration));
            Map<Side, Counter> counters = new EnumMap<>(Side.class);
            for (Side side : Side.values()) {
                counters.put(side, Counter.builder(HibernateMeters.SYNC_PENDING_RECORDED.meterName())
                        .description(HibernateMeters.SYNC_PENDING_RECORDED.description())
                        .tag(SyncMetrics.TAG_REPOSITORY, registration.repository())
                        .tag(SyncMetrics.TAG_SIDE, side.tag())
                        .register(meterRegistry));
            }
            left.put(registration.repository(), counters);
        }
    }

    /**
     * Clears a taken write's rows when the two models now hold the same values at its keys. They may not: another
     * caller's write to a key can commit in the primary after this one's and reach the secondary before it, so that
     * this write, taken, leaves the secondary older than the primary with both holding the key (found by {@code
     * StageSequencesTest}). Its rows may be gone by then (a repair that ran while it was in flight synced the key and
     * deleted them), so new rows, recorded as missed, leave the key to the repair, which copies the primary's value.
     * A difference that is only another write still in flight costs the repair a sync that finds nothing to change.
     */
    void clearUnlessRaced(Registration<?> registration, DualWrite<?> write, Transactions transactions,
            List<String> keys, List<Long> pending) {
        boolean agree;
        try {
            agree = valuesAgree(registration, write.primary(), keys);
        } catch (RuntimeException e) {
            log.warn("{}.{}: could not compare the models' values after the write; its {} key(s) wait for the repair",
                    registration.repository(), write.method(), keys.size(), WithheldMessage.of(e));
            agree = false;
        }
        if (agree) {
            clear(registration, write, transactions, pending);
            return;
        }
        List<Long> rows = new ArrayList<>(pending);
        try {
            transactions.runInTransaction(session -> {
                rows.addAll(table.insert(session, registration.repository(), keys, write.primary().other()));
            });
        } catch (RuntimeException e) {
            log.warn("{}.{}: could not record the {} key(s) a concurrent write left apart; only their own rows, if the"
                    + " repair has not taken them yet, and the verifier can find them", registration.repository(),
                    write.method(), keys.size(), WithheldMessage.of(e));
        }
        // Recorded, so nothing is lost if what follows fails. Until the key is synced the secondary holds the older
        // value, and reads may have moved there while this write was in flight (its row was young, taken for a write
        // still running): sync it now rather than at the repair's next pass.
        try {
            for (String key : new LinkedHashSet<>(keys)) {
                syncEncoded(registration, write.primary(), key);
            }
            clear(registration, write, transactions, rows);
            log.debug("{}.{}: a concurrent write to the same key(s) reached the {} model in the other order; synced",
                    registration.repository(), write.method(), write.primary().other());
            return;
        } catch (RuntimeException e) {
            log.warn("{}.{}: a concurrent write left the models apart and the sync right after failed; the repair"
                    + " has the key(s)", registration.repository(), write.method(), WithheldMessage.of(e));
        }
        keptPending(registration, write, write.primary().other(), keys, rows, RACED, false);
    }

    /**
     * The secondary's half where it answers reads (NEW under read-through), in a transaction of its database that
     * commits only if NEW then holds at each key what OLD, the primary, holds. A write that changed nothing in OLD
     * (a save of the value there) takes no row lock in OLD, so OLD does not order it with another instance's delete
     * of the key: it read the row before the delete committed and committed after it, and OLD ends without the row,
     * the save first. Its pending row came after the delete's, so its NEW half ran after the delete's and put the row
     * back into NEW, which answered it after the delete was acknowledged, then nothing once the check after the write
     * synced NEW from OLD, after the save was acknowledged (found by {@code ConcurrentHistoriesTest} under load).
     * Rolled back instead, the write leaves NEW as it was, and {@link #clearUnlessRaced} brings NEW to OLD's state.
     * The same holds for a delete of a key OLD did not hold yet, racing a save of it. Costs a read of OLD per key
     * while NEW's rows are held.
     *
     * <p>A failure met anywhere in that transaction (the model's call, the flush, the commit) is the secondary's, and
     * the decorator's failure policy applies to it as to one the model threw. One exception: where NEW, after the roll
     * back, already holds what OLD holds at every key, the write is not lost to readers (another caller's copy or
     * write put the same value there first, the model's insert then failing on its duplicate key: met in the
     * reliability suite under read-through), and the call goes on as if NEW had taken it.
     *
     * @return whether the secondary took the write: true also when it was rolled back because OLD holds another
     *     value now (what the check after the write syncs), or because it failed where NEW holds OLD's values
     *     already; false when the decorator's failure policy swallowed a failure
     */
    boolean writeAgreeingWithPrimary(Registration<?> registration, DualWrite<?> write, List<String> keys)
            throws Throwable {
        Side secondary = write.primary().other();
        Throwable failure;
        try {
            registration.transactions(secondary).runInTransaction(session -> {
                Throwable error = write.writeSecondaryHoldingFailure(session::flush);
                if (error != null) {
                    // Whatever the failed write left in the transaction is rolled back.
                    throw new Thrown(error);
                }
                if (!agreesWithPrimary(registration, write.primary(), keys, session)) {
                    throw new Superseded();
                }
            });
            return true;
        } catch (Superseded superseded) {
            log.debug("{}.{}: the {} model's write was rolled back: the {} model holds other values at its key(s) now",
                    registration.repository(), write.method(), secondary, write.primary());
            return true;
        } catch (Thrown thrown) {
            failure = Objects.requireNonNull(thrown.getCause(), "a carrier has a cause");
        } catch (RuntimeException | Error e) {
            // The check's read or the commit failed: the write did not reach NEW either way.
            failure = e;
        }
        if (agreesAfterFailure(registration, write, keys)) {
            log.debug("{}.{}: the {} model's write failed ({}) where it already held the {} model's values at its"
                    + " key(s)", registration.repository(), write.method(), secondary,
                    WithheldMessage.describe(failure), write.primary());
            return true;
        }
        write.recordSecondaryFailure(failure);
        if (write.secondaryFailureFailsCall()) {
            throw failure;
        }
        return false;
    }

    private boolean agreesAfterFailure(Registration<?> registration, DualWrite<?> write, List<String> keys) {
        try {
            return valuesAgree(registration, write.primary(), keys);
        } catch (RuntimeException e) {
            log.debug("{}.{}: could not compare the models' values after the {} model's write failed",
                    registration.repository(), write.method(), write.primary().other(), WithheldMessage.of(e));
            return false;
        }
    }

    private <K extends Comparable<? super K>> boolean agreesWithPrimary(Registration<K> registration, Side primary,
            List<String> keys, Session secondarySession) {
        KeySync<K, ?> sync = syncOf(registration);
        for (String key : new LinkedHashSet<>(keys)) {
            if (!sync.targetAgrees(primary, registration.migration.keyType().decode(key), secondarySession)) {
                return false;
            }
        }
        return true;
    }

    /** Carries the secondary's exception out of its transaction, which rolls back, to be rethrown unchanged. */
    private static final class Thrown extends RuntimeException {
        Thrown(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** Rolls back a secondary write after which the models held different values. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super("the primary holds other values now", null, false, false);
        }
    }

    private <K extends Comparable<? super K>> boolean valuesAgree(Registration<K> registration, Side primary,
            List<String> keys) {
        KeySync<K, ?> sync = syncOf(registration);
        for (String key : new LinkedHashSet<>(keys)) {
            if (!sync.inSync(primary, registration.migration.keyType().decode(key))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #bothOrNeitherHold}, read in the secondary's own transaction, which sees its write before it commits. */
    boolean heldAsByPrimary(Registration<?> registration, DualWrite<?> write, Session session,
            List<String> keys, Set<String> heldByPrimary) {
        if (keys.isEmpty()) {
            return true;
        }
        Side secondary = write.primary().other();
        try {
            return registration.present(secondary, session, keys).equals(heldByPrimary);
        } catch (RuntimeException e) {
            log.warn("{}.{}: could not read whether the {} model took the write; its {} key(s) wait for the repair",
                    registration.repository(), write.method(), secondary, keys.size(), WithheldMessage.of(e));
            return false;
        }
    }

    /**
     * Whether each key is now held by both models or by neither, as a write both took leaves it: a key the primary
     * holds and the secondary does not is a write the secondary's half found nothing to change for.
     */
    boolean bothOrNeitherHold(Registration<?> registration, DualWrite<?> write, List<String> keys,
            Set<String> heldByPrimary) {
        if (keys.isEmpty()) {
            return true;
        }
        Side secondary = write.primary().other();
        Set<String> heldBySecondary;
        try {
            heldBySecondary = registration.transactions(secondary)
                    .read(session -> registration.present(secondary, session, keys));
        } catch (RuntimeException e) {
            log.warn("{}.{}: could not read whether the {} model took the write; its {} key(s) wait for the repair",
                    registration.repository(), write.method(), secondary, keys.size(), WithheldMessage.of(e));
            return false;
        }
        if (heldBySecondary.equals(heldByPrimary)) {
            return true;
        }
        // keptPending warns next; this says why.
        log.debug("{}.{}: the {} model's write changed nothing for {} of its key(s), which the {} model holds and it"
                + " does not (or the reverse)", registration.repository(), write.method(), secondary,
                countDiffering(keys, heldByPrimary, heldBySecondary), write.primary());
        return false;
    }

    private static long countDiffering(List<String> keys, Set<String> held, Set<String> other) {
        return keys.stream().distinct().filter(key -> held.contains(key) != other.contains(key)).count();
    }

    <K extends Comparable<? super K>> void syncEncoded(Registration<K> registration, Side source, String key) {
        KeySync<K, ?> sync = syncOf(registration);
        sync.sync(source, registration.migration.keyType().decode(key));
    }

    void clear(Registration<?> registration, DualWrite<?> write, Transactions transactions,
            List<Long> pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            transactions.runInTransaction(session -> {
                table.delete(session, pending);
            });
        } catch (RuntimeException e) {
            // Both models have the write; the rows only cost the repair a sync that finds nothing to change.
            log.warn("{}.{}: both models took the write but its {} pending row(s) could not be cleared; the repair"
                    + " will find them in sync", registration.repository(), write.method(), pending.size(), e);
        }
    }

    /**
     * Leaves the write's keys to the repair on rows inserted now, not by marking its own rows: a repair pass may have
     * taken those while the write was in flight, read both models before the secondary's half landed, found them in
     * sync and cleared them, and a mark on a cleared row records nothing (found by {@code ConcurrentHistoriesTest}
     * with the repair running during the calls: NEW kept a value an acknowledged delete had removed, and nothing
     * waited). A repair reads a row inserted after the secondary's half only after that half, so its sync weighs what
     * the half did. The write's own rows are deleted in the same transaction. The new rows carry the time now, not the
     * write's: weighing a key that waits both ways, the repair may rank the write after writes whose rows fall in
     * between; those began while it was still in flight, so either order is one its callers could have seen.
     *
     * @param keys the write's keys, as its rows name them
     * @param pending the write's own rows (and any recorded for it since), replaced by the new ones
     * @param reason why: recorded on the rows so that they count as waiting at once, not only once
     *     they outlive {@link CrossDatabaseScope#IN_FLIGHT_GRACE}; never a message, which could quote a value
     * @param quiet logged at DEBUG: a deferral, whose stretch {@link BoundedSecondary} logs once
     */
    void keptPending(Registration<?> registration, DualWrite<?> write, Side target, List<String> keys,
            List<Long> pending, String reason, boolean quiet) {
        if (keys.isEmpty()) {
            log.error("{}.{}: the {} model did not take a write that named no keys: nothing records it, only the"
                    + " verifier can find it", registration.repository(), write.method(), target);
            return;
        }
        Objects.requireNonNull(Objects.requireNonNull(left.get(registration.repository())).get(target),
                "every registration counts both sides").increment(keys.size());
        if (quiet) {
            log.debug("{}.{}: the {} model's write was deferred; {} key(s) wait in {} for the repair",
                    registration.repository(), write.method(), target, keys.size(), table);
        } else {
            log.warn("{}.{}: the {} model did not take the write; {} key(s) wait in {} for the repair",
                    registration.repository(), write.method(), target, keys.size(), table);
        }
        try {
            registration.transactions(target.other()).runInTransaction(session -> {
                table.insertMissed(session, registration.repository(), keys, target, reason);
                table.delete(session, pending);
            });
        } catch (RuntimeException e) {
            log.warn("{}.{}: could not record {} key(s) for the repair; only the write's own rows, unless a repair"
                    + " pass took them meanwhile, and the verifier can find them", registration.repository(),
                    write.method(), keys.size(), WithheldMessage.of(e));
        }
    }

    @SuppressWarnings("unchecked")
    private <K extends Comparable<? super K>> KeySync<K, ?> syncOf(Registration<K> registration) {
        return (KeySync<K, ?>) Objects.requireNonNull(syncs.get(registration.repository()),
                "every registration has a sync");
    }
}
