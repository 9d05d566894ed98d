package io.dualrepo.sample.spring;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/**
 * What the application codes against; the starter injects the generated {@code DualIncidentRepository}. Its two
 * models are the entities' Spring Data repositories, made models by {@code SpringDataModel} in IncidentModels.
 */
@DualModel("incidents")
public interface IncidentRepository {
    Optional<Incident> findById(String id);
    List<Incident> findByOrganisation(@RoutingKey String organisationId);
    void save(Incident incident);
}
