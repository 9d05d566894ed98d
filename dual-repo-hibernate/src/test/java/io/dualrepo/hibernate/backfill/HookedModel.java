package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.Session;

/**
 * A model with hooks around the calls the backfill makes, numbered from 1: to kill a worker at a chosen point, or
 * to slip a dual write in between the backfill's read and its insert.
 */
public final class HookedModel<K extends Comparable<? super K>, V> implements KeyedModel<K, V> {

    /** What a hook throws to stop a worker dead, as if its process were killed. */
    public static final class Killed extends RuntimeException {
        Killed(String where) {
            super("killed " + where);
        }
    }

    @FunctionalInterface
    public interface Hook<T> {
        void on(int call, T argument);
    }

    private final KeyedModel<K, V> delegate;
    final AtomicInteger pages = new AtomicInteger();
    final AtomicInteger presents = new AtomicInteger();
    final AtomicInteger inserts = new AtomicInteger();
    volatile Hook<List<V>> afterPage = (call, page) -> {};
    volatile Hook<Collection<K>> beforePresent = (call, keys) -> {};
    /** Sees the keys asked about and, in them, the answer: whatever it does comes after the read. */
    volatile Hook<Set<K>> afterPresent = (call, held) -> {};
    public volatile Hook<List<V>> afterInsertAbsent = (call, values) -> {};

    public HookedModel(KeyedModel<K, V> delegate) {
        this.delegate = delegate;
    }

    public static <T> Hook<T> killAt(int call, String where) {
        return (n, argument) -> {
            if (n == call) {
                throw new Killed(where + " (call " + n + ")");
            }
        };
    }

    @Override
    public Transactions transactions() {
        return delegate.transactions();
    }

    @Override
    public K keyOf(V value) {
        return delegate.keyOf(value);
    }

    @Override
    public List<V> page(Session session, K after, int limit) {
        List<V> page = delegate.page(session, after, limit);
        afterPage.on(pages.incrementAndGet(), page);
        return page;
    }

    @Override
    public Set<K> present(Session session, Collection<K> keys) {
        int call = presents.incrementAndGet();
        beforePresent.on(call, keys);
        Set<K> held = delegate.present(session, keys);
        afterPresent.on(call, held);
        return held;
    }

    @Override
    public Optional<V> find(Session session, K key) {
        return delegate.find(session, key);
    }

    @Override
    public int insertAbsent(Session session, List<V> values) {
        int written = delegate.insertAbsent(session, values);
        afterInsertAbsent.on(inserts.incrementAndGet(), values);
        return written;
    }

    @Override
    public void put(Session session, V value) {
        delegate.put(session, value);
    }

    @Override
    public void remove(Session session, K key) {
        delegate.remove(session, key);
    }

    @Override
    public long estimateCount(Session session) {
        return delegate.estimateCount(session);
    }
}
