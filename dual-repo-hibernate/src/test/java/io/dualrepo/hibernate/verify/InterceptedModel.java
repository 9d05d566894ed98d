package io.dualrepo.hibernate.verify;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.Session;

/**
 * A model that runs something once, right after its first page was read: a dual write landing just behind the
 * verifier's scan, at a moment a test chooses instead of one a race happens to choose.
 */
final class InterceptedModel<K extends Comparable<? super K>, V> implements KeyedModel<K, V> {

    private final KeyedModel<K, V> model;
    private final AtomicReference<Runnable> afterFirstPage;

    InterceptedModel(KeyedModel<K, V> model, Runnable afterFirstPage) {
        this.model = model;
        this.afterFirstPage = new AtomicReference<>(afterFirstPage);
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
        List<V> page = model.page(session, after, limit);
        Runnable hook = afterFirstPage.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        return page;
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
}
