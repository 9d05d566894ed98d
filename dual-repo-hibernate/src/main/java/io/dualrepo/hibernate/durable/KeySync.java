package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.compare.Equivalence;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.spi.CompareOptions;
import io.dualrepo.spi.StructuralDiff;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Makes one model hold what the other holds at a key, now: the per-key state transfer that both {@link
 * PendingSyncRepair} and the verifier's repair go through. It never replays a write; it reads the source's current
 * value and puts it in the target, or removes the key from the target when the source holds nothing, so running it
 * twice changes nothing the second time.
 *
 * <p>The source is read inside the target's transaction, after it began, so the value written is never older than
 * the transaction writing it; and read again once the write reached the target's database, holding the target's row:
 * a round whose source changed in between is rolled back, so that a dual write that ran to its end meanwhile is never
 * overwritten in the target, not even until the next round. Then it runs again, until a round finds the two sides
 * equivalent (at most {@value #MAX_ROUNDS} rounds): a dual write that changed the source while a round ran is caught
 * by the next round. Concurrent dual writes to this key are therefore safe
 * when the source is the dual write's primary, as it is for the rows {@link CrossDatabaseScope} records. Syncing
 * towards the primary of dual writes still running (the verifier repairing from OLD while NEW is the read source)
 * can race with a write in flight; the next verification reports such a key.
 *
 * <p>Thread-safe.
 */
public final class KeySync<K extends Comparable<? super K>, V> {

    /** Rounds before a key that keeps changing under the sync is given up on (and left to a later repair). */
    public static final int MAX_ROUNDS = 5;

    /** What a sync did to the target. */
    public enum Outcome {
        /** The target already held the source's value (or both held nothing): nothing written. */
        IN_SYNC,
        /** The target now holds the source's value. */
        WRITTEN,
        /** The source holds nothing at the key and the target no longer does. */
        REMOVED
    }

    private final Migration<K, V> migration;
    private final Equivalence<V> equivalence;

    private KeySync(Migration<K, V> migration, Equivalence<V> equivalence) {
        this.migration = Objects.requireNonNull(migration, "migration");
        this.equivalence = Objects.requireNonNull(equivalence, "equivalence");
    }

    /** Values are in sync when they are structurally equivalent, as the shadow comparison judges it. */
    public static <K extends Comparable<? super K>, V> KeySync<K, V> of(Migration<K, V> migration) {
        StructuralDiff comparator = StructuralDiff.of(CompareOptions.defaults());
        // Equivalence may be handed a null, StructuralDiff not; this class never passes one (it compares values
        // both models hold): a null is equivalent only to another.
        return new KeySync<>(migration, (oldValue, newValue) -> oldValue == null || newValue == null
                ? oldValue == newValue : comparator.equivalent(oldValue, newValue));
    }

    /** Values are in sync when {@code equivalence} says so (called with the OLD model's value first). */
    public static <K extends Comparable<? super K>, V> KeySync<K, V> of(
            Migration<K, V> migration, Equivalence<V> equivalence) {
        return new KeySync<>(migration, equivalence);
    }

    public Migration<K, V> migration() {
        return migration;
    }

    /**
     * Makes the other model hold what {@code source} holds at {@code key}.
     *
     * @return what the first round that changed something did, or {@link Outcome#IN_SYNC} when none had to
     * @throws IllegalStateException when the key still differed after {@value #MAX_ROUNDS} rounds
     * @throws RuntimeException what either model threw; the target's transaction is rolled back
     */
    public Outcome sync(Side source, K key) {
        return sync(source, key, targetSession -> false);
    }

    /**
     * As {@link #sync(Side, Object)}, asking {@code veto} in the target's transaction after each round's write
     * reached the target's database and before it commits: the round is rolled back and {@link Vetoed} thrown when
     * it says so.
     */
    Outcome sync(Side source, K key, Veto veto) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(source.other());
        Outcome first = Outcome.IN_SYNC;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            Outcome outcome;
            try {
                outcome = to.transactions().inTransaction(session -> {
                    // When both models share a database this joins the target's transaction: one snapshot for both.
                    Optional<V> wanted = from.transactions().read(sourceSession -> from.find(sourceSession, key));
                    Optional<V> held = to.find(session, key);
                    if (wanted.isEmpty()) {
                        if (held.isEmpty()) {
                            return Outcome.IN_SYNC;
                        }
                        to.remove(session, key);
                        vetoIfAsked(veto, session);
                        rollBackIfSourceMoved(from, to, session, key, wanted);
                        return Outcome.REMOVED;
                    }
                    if (held.isPresent() && equivalent(source, wanted.get(), held.get())) {
                        return Outcome.IN_SYNC;
                    }
                    to.put(session, wanted.get());
                    vetoIfAsked(veto, session);
                    rollBackIfSourceMoved(from, to, session, key, wanted);
                    return Outcome.WRITTEN;
                });
            } catch (SourceMoved moved) {
                // Rolled back, nothing committed: the next round reads the source again.
                continue;
            }
            if (outcome == Outcome.IN_SYNC) {
                return first;
            }
            if (first == Outcome.IN_SYNC) {
                first = outcome;
            }
        }
        throw new IllegalStateException(migration.name() + ": key " + Printable.of(key) + " still differed from "
                + source + " after " + MAX_ROUNDS + " sync rounds (it keeps changing, or the " + source.other()
                + " model does not store what it is given)");
    }

    /**
     * As {@link #sync(Side, Object)}, for two models in one database: a round's write commits only if, read again
     * after it reached the target's database, the source still holds what was written. Otherwise a write to the key
     * that committed between the round's read of the source and its write to the target would leave the target, for
     * a moment, with the value from before it, and a model serving reads would answer it after that write was
     * acknowledged.
     *
     * @throws IllegalStateException when the key kept changing for {@value #MAX_ROUNDS} attempts
     */
    Outcome syncInOneDatabase(Side source, K key) {
        for (int attempt = 1; attempt <= MAX_ROUNDS; attempt++) {
            try {
                return sync(source, key, targetSession -> {
                    // Read anew, not from what the round's own reads left in the persistence context.
                    targetSession.clear();
                    return !agreeIn(targetSession, key);
                });
            } catch (Vetoed changedMeanwhile) {
                // Rolled back: the next attempt reads the source again.
            }
        }
        throw new IllegalStateException(migration.name() + ": key " + Printable.of(key) + " kept changing while it"
                + " was synced from " + source + " (" + MAX_ROUNDS + " attempts)");
    }

    /**
     * Whether the other model holds what {@code source} holds at {@code key}, each read in a transaction of its own:
     * a write that ran on both can still leave them apart when another write to the key landed in between on one
     * side and around it on the other.
     */
    boolean inSync(Side source, K key) {
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(source.other());
        Optional<V> wanted = from.transactions().read(session -> from.find(session, key));
        Optional<V> held = to.transactions().read(session -> to.find(session, key));
        if (wanted.isEmpty() || held.isEmpty()) {
            return wanted.isEmpty() == held.isEmpty();
        }
        return equivalent(source, wanted.get(), held.get());
    }

    /**
     * Whether the other model, read through {@code targetSession} (its transaction, flushed, so that its own write is
     * seen and its rows held), holds what {@code source} holds at {@code key} now, read after it in a transaction of
     * its own.
     */
    boolean targetAgrees(Side source, K key, Session targetSession) {
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(source.other());
        targetSession.flush();
        // Read anew, not from what the write left in the persistence context.
        targetSession.clear();
        Optional<V> held = to.find(targetSession, key);
        Optional<V> wanted = from.transactions().read(session -> from.find(session, key));
        if (wanted.isEmpty() || held.isEmpty()) {
            return wanted.isEmpty() == held.isEmpty();
        }
        return equivalent(source, wanted.get(), held.get());
    }

    /**
     * Whether both models hold equivalent values at {@code key}, both read through {@code session}: for two models in
     * one database, read inside the transaction of the write that just wrote both, so that the answer includes it.
     */
    boolean agreeIn(Session session, K key) {
        Optional<V> old = migration.oldModel().find(session, key);
        Optional<V> recent = migration.newModel().find(session, key);
        if (old.isEmpty() || recent.isEmpty()) {
            return old.isEmpty() == recent.isEmpty();
        }
        return equivalence.equivalent(old.get(), recent.get());
    }

    /**
     * Makes the other model hold what {@code source} holds at {@code key}, both read and written through {@code
     * session}: for two models in one database, inside the transaction of the write that found them apart. Each
     * model is read by a statement of its own, and the source's row is not locked, so a write to the key can commit
     * between reading the source and writing the target, and the target would then keep the older value; it can also
     * have committed after an earlier read of the session, whose result the persistence context would give again.
     * So the persistence context is emptied before each round, and after the round's write reached the database
     * (holding the target's row until the transaction ends), both models are read again: a round repeats until
     * they agree, at most {@value #MAX_ROUNDS} times.
     *
     * @return whether the two models agreed after the last round
     */
    boolean copyIn(Session session, Side source, K key) {
        KeyedModel<K, V> from = migration.model(source);
        KeyedModel<K, V> to = migration.model(source.other());
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            session.clear();
            Optional<V> wanted = from.find(session, key);
            if (wanted.isPresent()) {
                to.put(session, wanted.get());
            } else if (to.find(session, key).isPresent()) {
                to.remove(session, key);
            }
            session.flush();
            session.clear();
            if (agreeIn(session, key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the source again after the round's write reached the target's database, and rolls the round back when
     * the source no longer holds what was written. The round read the source, then wrote the target, holding
     * nothing in the source in between: a dual write to the key can run to its end there (both models, acknowledged),
     * and the round would then commit the value from before it over it. The next round would put it right, but a
     * target that serves reads (NEW under read-through) would answer that older value until then (found by {@code
     * ConcurrentHistoriesTest}). Read after the write, a write that changes the source later finds the target's row
     * held by this transaction and lands after it, so what commits is never older than an acknowledged write.
     */
    private void rollBackIfSourceMoved(KeyedModel<K, V> from, KeyedModel<K, V> to, Session targetSession, K key,
            Optional<V> written) {
        if (from.transactions().sessionFactory() == to.transactions().sessionFactory()) {
            // In one database the source is read through this session, whose persistence context would give the
            // round's own read again. Flushed already (vetoIfAsked).
            targetSession.clear();
        }
        Optional<V> now = from.transactions().read(sourceSession -> from.find(sourceSession, key));
        boolean same = now.isEmpty() || written.isEmpty() ? now.isEmpty() == written.isEmpty()
                : equivalence.equivalent(written.get(), now.get());
        if (!same) {
            throw new SourceMoved();
        }
    }

    private static void vetoIfAsked(Veto veto, Session targetSession) {
        // Flushed first, so that the write holds its row locks and a write racing it has either committed, and is
        // visible to the veto, or waits for this transaction to end.
        targetSession.flush();
        if (veto.vetoes(targetSession)) {
            throw new Vetoed();
        }
    }

    /** Asked in the target's transaction, after a round's write was flushed, before it commits. */
    @FunctionalInterface
    interface Veto {
        /** True when the round's write must not commit. */
        boolean vetoes(Session targetSession);
    }

    /** A round rolled back because the source changed while it ran; the next round reads it again. */
    private static final class SourceMoved extends RuntimeException {
        SourceMoved() {
            super("the source changed during the round", null, false, false);
        }
    }

    /** A round rolled back because its {@link Veto} said so. */
    static final class Vetoed extends RuntimeException {
        Vetoed() {
            super("the sync was vetoed", null, false, false);
        }
    }

    /** Whether {@code targetValue} is in sync with {@code sourceValue}, read from {@code source}: for a batch. */
    boolean inSync(Side source, V sourceValue, V targetValue) {
        return equivalent(source, sourceValue, targetValue);
    }

    /** Whether a value read from one model again is still the one read before: for a batch. */
    boolean unchanged(V before, V now) {
        return equivalence.equivalent(before, now);
    }

    private boolean equivalent(Side source, V sourceValue, V targetValue) {
        return source == Side.OLD
                ? equivalence.equivalent(sourceValue, targetValue)
                : equivalence.equivalent(targetValue, sourceValue);
    }
}
