package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.Optional;

/** A model whose writes fail while switched on, as a database that is down for a while: the failing collaborator. */
final class SwitchableFailure implements IncidentRepository {

    private final IncidentRepository model;
    private volatile boolean failing;

    SwitchableFailure(IncidentRepository model) {
        this.model = model;
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return model.findById(id);
    }

    @Override
    public void save(Incident incident) {
        failIfSwitchedOn();
        model.save(incident);
    }

    @Override
    public void deleteById(String id) {
        failIfSwitchedOn();
        model.deleteById(id);
    }

    @Override
    public void updateStatus(String id, String status) {
        failIfSwitchedOn();
        model.updateStatus(id, status);
    }

    private void failIfSwitchedOn() {
        if (failing) {
            throw new IllegalStateException("database unavailable");
        }
    }
}
