package io.dualrepo.reliability;

import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import io.dualrepo.hibernate.model.Incident;
import java.util.Optional;

/**
 * Lazy migration of the incidents: a by-key read answered by NEW, falling back to OLD and copying what OLD answered
 * into NEW with an upsert (the docs' generated example), which a delete or an update racing the copy must not undo.
 */
@DualModel("lazy-incidents")
public interface ReadThroughIncidents {

    @ReadThrough(copyWith = "save", removeWith = "deleteById")
    Optional<Incident> findById(String id);

    void save(Incident incident);

    void deleteById(String id);
}
