package io.dualrepo.hibernate.model;

import io.dualrepo.DualModel;
import io.dualrepo.Read;
import io.dualrepo.ReadThrough;
import java.util.Optional;

@DualModel("incidents")
public interface IncidentRepository {

    Optional<Incident> findById(String id);

    /**
     * {@link #findById}, migrating on read: under read-through, copies what OLD answered into NEW with {@code save},
     * and takes the copy back with {@code deleteById} when a write ran meanwhile. A default method, so that the many
     * test models and wrappers need not declare it; {@code @Read} has the decorator route it.
     */
    @Read
    @ReadThrough(copyWith = "save", removeWith = "deleteById")
    default Optional<Incident> findMigrating(String id) {
        return findById(id);
    }

    void save(Incident incident);

    void deleteById(String id);

    /**
     * A partial update, as applications write them ({@code update ... where id = ?}): a key the model does not
     * hold is left alone, and the call changes nothing.
     */
    void updateStatus(String id, String status);
}
