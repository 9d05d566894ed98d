package io.dualrepo.reliability;

import io.dualrepo.Side;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which models one caller's call reached, on the caller's own thread: a call that took one route reads one model,
 * or writes one model and then the other. Anything else mixed two routes. Shadow reads run on other threads and are
 * not part of the call.
 */
final class CallLog {

    private static final ThreadLocal<List<Side>> CURRENT = new ThreadLocal<>();

    final AtomicLong mixed = new AtomicLong();
    final AtomicLong readsFromNew = new AtomicLong();
    final AtomicLong writesNewFirst = new AtomicLong();
    final List<String> mixedSample = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A model that notes each call made on a caller's thread. */
    IncidentRepository recording(Side side, IncidentRepository model) {
        return new IncidentRepository() {
            @Override
            public Optional<Incident> findById(String id) {
                note(side);
                return model.findById(id);
            }

            @Override
            public void save(Incident incident) {
                note(side);
                model.save(incident);
            }

            @Override
            public void deleteById(String id) {
                note(side);
                model.deleteById(id);
            }

            @Override
            public void updateStatus(String id, String status) {
                note(side);
                model.updateStatus(id, status);
            }
        };
    }

    private static void note(Side side) {
        List<Side> sides = CURRENT.get();
        if (sides != null) {
            sides.add(side);
        }
    }

    /** The dual repository as callers use it, checking each call's path. */
    IncidentRepository checking(IncidentRepository dual) {
        return new IncidentRepository() {
            @Override
            public Optional<Incident> findById(String id) {
                List<Side> sides = begin();
                try {
                    return dual.findById(id);
                } finally {
                    end(sides, false);
                }
            }

            @Override
            public void save(Incident incident) {
                List<Side> sides = begin();
                try {
                    dual.save(incident);
                } finally {
                    end(sides, true);
                }
            }

            @Override
            public void deleteById(String id) {
                List<Side> sides = begin();
                try {
                    dual.deleteById(id);
                } finally {
                    end(sides, true);
                }
            }

            @Override
            public void updateStatus(String id, String status) {
                List<Side> sides = begin();
                try {
                    dual.updateStatus(id, status);
                } finally {
                    end(sides, true);
                }
            }
        };
    }

    private static List<Side> begin() {
        List<Side> sides = new ArrayList<>(2);
        CURRENT.set(sides);
        return sides;
    }

    private void end(List<Side> sides, boolean write) {
        CURRENT.remove();
        // Every route in the flip set writes both models and reads one.
        boolean consistent = write
                ? sides.size() == 2 && sides.get(0) != sides.get(1)
                : sides.size() == 1;
        if (!consistent) {
            mixed.incrementAndGet();
            if (mixedSample.size() < 5) {
                mixedSample.add((write ? "write" : "read") + " reached " + sides);
            }
            return;
        }
        if (!write && sides.get(0) == Side.NEW) {
            readsFromNew.incrementAndGet();
        }
        if (write && sides.get(0) == Side.NEW) {
            writesNewFirst.incrementAndGet();
        }
    }
}
