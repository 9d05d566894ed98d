package io.dualrepo.hibernate.model;

import java.util.Optional;

/** An {@link IncidentRepository} that hands every call to another: tests override the calls they hook into. */
public class ForwardingIncidents implements IncidentRepository {

    private final IncidentRepository target;

    public ForwardingIncidents(IncidentRepository target) {
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
