package io.dualrepo.sample;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/** The repository the application codes against; dual-repo generates {@code DualIncidentRepository} from it. */
@DualModel("incidents")
public interface IncidentRepository {

    Optional<Incident> findById(String id);

    List<Incident> findByOrganisation(@RoutingKey String organisationId);

    void save(Incident incident);

    void deleteById(String id);
}
