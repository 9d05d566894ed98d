package io.dualrepo.hibernate.verify;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * A model whose page reads take a little longer: long enough that several workers of a verification are all busy
 * at once, so that a test sees the work split rather than one worker finishing before the others start.
 */
final class PausedModel<K extends Comparable<? super K>, V> implements KeyedModel<K, V> {

    private final KeyedModel<K, V> model;
    private final long pauseMillis;

    PausedModel(KeyedModel<K, V> model, long pauseMillis) {
        this.model = model;
        this.pauseMillis = pauseMillis;
    }

    @Override
    public Transactions transactions() {
        return model.transactions();
    }

    @Override
    public K keyOf(V value) {
        return model.keyOf(value);
    }

    @Override
    public List<V> page(Session session, K after, int limit) {
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return model.page(session, after, limit);
    }

    @Override
    public Set<K> present(Session session, Collection<K> keys) {
        return model.present(session, keys);
    }

    @Override
    public Optional<V> find(Session session, K key) {
        return model.find(session, key);
    }

    @Override
    public int insertAbsent(Session session, List<V> values) {
        return model.insertAbsent(session, values);
    }

    @Override
    public void put(Session session, V value) {
        model.put(session, value);
    }

    @Override
    public void remove(Session session, K key) {
        model.remove(session, key);
    }

    @Override
    public long estimateCount(Session session) {
        return model.estimateCount(session);
    }
}
