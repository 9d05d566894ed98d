package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model whose next write, once armed, stops before it reaches the database until the test releases it: a secondary
 * as slow as the test needs, with the interleaving set by latches rather than by sleeps.
 */
final class HeldWrites implements IncidentRepository {

    /** One held write: entered once the write is waiting, then released by the test. */
    static final class Hold {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        boolean awaitEntered() throws InterruptedException {
            return entered.await(30, TimeUnit.SECONDS);
        }

        /** Whether the write reached its hold within {@code millis}: short waits, for a caller that polls. */
        boolean awaitEntered(long millis) throws InterruptedException {
            return entered.await(millis, TimeUnit.MILLISECONDS);
        }

        boolean waiting() {
            return entered.getCount() == 0 && released.getCount() == 1;
        }

        void release() {
            released.countDown();
        }
    }

    private final IncidentRepository model;
    private final AtomicReference<Hold> next = new AtomicReference<>();

    HeldWrites(IncidentRepository model) {
        this.model = model;
    }

    /** Holds the next write this model is given. */
    Hold holdNextWrite() {
        Hold hold = new Hold();
        next.set(hold);
        return hold;
    }

    /** Holds no write after all: for a write that never reached this model. */
    void disarm() {
        next.set(null);
    }

    @Override
    public Optional<Incident> findById(String id) {
        return model.findById(id);
    }

    @Override
    public void save(Incident incident) {
        holdIfArmed();
        model.save(incident);
    }

    @Override
    public void deleteById(String id) {
        holdIfArmed();
        model.deleteById(id);
    }

    @Override
    public void updateStatus(String id, String status) {
        holdIfArmed();
        model.updateStatus(id, status);
    }

    private void holdIfArmed() {
        Hold hold = next.getAndSet(null);
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
}
