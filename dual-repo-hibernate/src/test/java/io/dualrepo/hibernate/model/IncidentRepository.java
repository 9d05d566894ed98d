package io.dualrepo.hibernate.model;

import io.dualrepo.DualModel;
import java.util.Optional;

@DualModel("incidents")
public interface IncidentRepository {

    Optional<Incident> findById(String id);

    void save(Incident incident);

    void deleteById(String id);

    /**
     * A partial update, as applications write them ({@code update ... where id = ?}): a key the model does not
     * hold is left alone, and the call changes nothing.
     */
    void updateStatus(String id, String status);
}
