package io.dualrepo.hibernate.model;

import io.dualrepo.DualModel;
import java.util.Optional;

@DualModel("incidents")
public interface IncidentRepository {

    Optional<Incident> findById(String id);

    void save(Incident incident);

    void deleteById(String id);
}
