package io.dualrepo.reliability;

import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model with faults injected in front of it: every call delayed, or a share of calls failing before they reach
 * the database (so a failed write is known not to have happened). Switchable while callers run.
 */
final class Faults implements IncidentRepository {

    /** What an injected failure throws. */
    static final class Injected extends RuntimeException {
        Injected() {
            super("injected fault", null, false, false);
        }
    }

    private final IncidentRepository model;
    volatile long delayMillis;
    volatile double failRatio;
    final AtomicLong injected = new AtomicLong();

    Faults(IncidentRepository model) {
        this.model = model;
    }

    void clear() {
        delayMillis = 0;
        failRatio = 0;
    }

    private void before() {
        long delay = delayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                // The time limiter gave up on this read; leave the flag for the pool to clear.
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while slow", e);
            }
        }
        double ratio = failRatio;
        if (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio) {
            injected.incrementAndGet();
            throw new Injected();
        }
    }

    @Override
    public Optional<Incident> findById(String id) {
        before();
        return model.findById(id);
    }

    @Override
    public void save(Incident incident) {
        before();
        model.save(incident);
    }

    @Override
    public void deleteById(String id) {
        before();
        model.deleteById(id);
    }

    @Override
    public void updateStatus(String id, String status) {
        before();
        model.updateStatus(id, status);
    }
}
