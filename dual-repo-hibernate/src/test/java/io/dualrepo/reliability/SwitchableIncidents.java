package io.dualrepo.reliability;

import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.Optional;

/** The repository callers hold, whose instance behind it is replaced while they run: a process restarting. */
final class SwitchableIncidents implements IncidentRepository {

    volatile IncidentRepository target;

    SwitchableIncidents(IncidentRepository target) {
        this.target = target;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return target.findById(id);
    }

    @Override
    public void save(Incident incident) {
        target.save(incident);
    }

    @Override
    public void deleteById(String id) {
        target.deleteById(id);
    }

    @Override
    public void updateStatus(String id, String status) {
        target.updateStatus(id, status);
    }
}
