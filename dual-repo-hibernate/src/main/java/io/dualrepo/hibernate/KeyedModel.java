package io.dualrepo.hibernate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

/**
 * One model of a migration as the backfill, the verifier and the repair see it: values with a key, read in key
 * order, written one key at a time. Written once per model, a few queries each; the sessions passed in belong to
 * this model's {@link #transactions()} and are inside a transaction. For a Hibernate entity, {@link EntityModel}
 * builds one from the mapping, leaving only the conversions to write; by hand is for other stores and special
 * cases.
 *
 * <p>One model is called from several threads at once: a backfill worker copies on one thread while it claims and
 * checks on another, and the verifier's workers and several backfill workers share the models they are given. Keep
 * what a model caches in thread-safe structures.
 *
 * <p>Where the new model is new columns of the old table, "this model holds no value at a key" means the new
 * columns are null: {@link #page} and {@link #present} leave such rows out, {@link #insertAbsent} fills the columns
 * only where they are null, and {@link #remove} sets them back to null.
 *
 * @param <K> the key; {@link #page} must return keys ascending in {@code K}'s natural order (for text keys on
 *     PostgreSQL, order by the key {@code collate "C"} so that the database sorts as Java does)
 * @param <V> the domain value, as the repository interface returns it
 */
public interface KeyedModel<K extends Comparable<? super K>, V> {

    /** The transactions of the database this model lives in. */
    Transactions transactions();

    K keyOf(V value);

    /** Up to {@code limit} values with keys greater than {@code after} (without it, from the first), ascending. */
    List<V> page(Session session, @Nullable K after, int limit);

    /**
     * Of these keys, the ones this model holds a value for. The backfill asks with one batch's keys, usually a
     * dense run of the key order: a range query ({@code id between first and last}) is much cheaper there than a
     * long {@code in} list (docs/benchmarks.md).
     */
    Set<K> present(Session session, Collection<K> keys);

    /** The value at a key, or empty when this model holds none. */
    Optional<V> find(Session session, K key);

    /**
     * The values at these keys, by key; a key this model holds nothing for is left out. The pending-sync repair reads
     * a batch of keys with it. By default one {@link #find} per key, in this session; a model that can read them in
     * one query ({@link EntityModel}'s do) should.
     */
    default Map<K, V> findAll(Session session, Collection<K> keys) {
        Map<K, V> found = new LinkedHashMap<>();
        for (K key : keys) {
            find(session, key).ifPresent(value -> found.put(key, value));
        }
        return found;
    }

    /**
     * Writes each value whose key this model holds nothing for, and never touches a key it holds: this is the
     * backfill's write, and it must never overwrite what a dual write put there. A writer inserting the same key
     * concurrently may make it throw (a unique violation); the batch is then retried. So insert, never upsert:
     * checking {@link #present} and then calling {@link #put} for the absent keys overwrites a dual write that lands
     * between the two with the older value the batch read (the sample app's verifier caught exactly that).
     *
     * @return how many values it wrote
     */
    int insertAbsent(Session session, List<V> values);

    /** Makes this model hold exactly {@code value} at its key, inserting or overwriting: the repair's write. */
    void put(Session session, V value);

    /**
     * {@link #put} for each value, in this order: the pending-sync repair's write of a batch. By default one {@code
     * put} each; {@link EntityModel}'s send them as JDBC batches.
     */
    default void putAll(Session session, List<V> values) {
        for (V value : values) {
            put(session, value);
        }
    }

    /** Makes this model hold nothing at {@code key}. */
    void remove(Session session, K key);

    /** About how many values this model holds, for progress; -1 when unknown. */
    default long estimateCount(Session session) {
        return -1;
    }
}
