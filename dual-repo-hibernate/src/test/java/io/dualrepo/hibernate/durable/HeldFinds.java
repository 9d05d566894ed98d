package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.Session;

/**
 * A model as the read-back, the repair and the verifier see it, whose next {@link #find} or {@link #put} stops, once
 * armed, until the test releases it: a read or a write as late as the test needs, set by latches rather than sleeps.
 */
final class HeldFinds<K extends Comparable<? super K>, V> implements KeyedModel<K, V> {

    /** Entered once the find is waiting; the find then runs once released. */
    static final class Hold {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        boolean awaitEntered() throws InterruptedException {
            return entered.await(30, TimeUnit.SECONDS);
        }

        void release() {
            released.countDown();
        }
    }

    private final KeyedModel<K, V> model;
    private final AtomicReference<Hold> nextFind = new AtomicReference<>();
    private final AtomicReference<Hold> nextPut = new AtomicReference<>();
    private volatile Runnable onFind = () -> {};

    HeldFinds(KeyedModel<K, V> model) {
        this.model = model;
    }

    Hold holdNextFind() {
        Hold hold = new Hold();
        nextFind.set(hold);
        return hold;
    }

    /** Holds the next put before it reaches the session. */
    Hold holdNextPut() {
        Hold hold = new Hold();
        nextPut.set(hold);
        return hold;
    }

    /** Runs {@code observer} at the start of every find from now on: to see what other transactions see then. */
    void onEachFind(Runnable observer) {
        onFind = observer;
    }

    @Override
    public Optional<V> find(Session session, K key) {
        onFind.run();
        hold(nextFind.getAndSet(null));
        return model.find(session, key);
    }

    @Override
    public void put(Session session, V value) {
        hold(nextPut.getAndSet(null));
        model.put(session, value);
    }

    private static void hold(Hold hold) {
        if (hold == null) {
            return;
        }
        hold.entered.countDown();
        try {
            // Bounded, so that a failed test cannot leave a thread parked for ever.
            hold.released.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        return model.page(session, after, limit);
    }

    @Override
    public Set<K> present(Session session, Collection<K> keys) {
        return model.present(session, keys);
    }

    @Override
    public int insertAbsent(Session session, List<V> values) {
        return model.insertAbsent(session, values);
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
