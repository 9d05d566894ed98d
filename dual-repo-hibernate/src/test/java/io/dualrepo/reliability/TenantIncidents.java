package io.dualrepo.reliability;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import io.dualrepo.hibernate.model.Incident;
import java.util.List;

/**
 * The sample app's shape (issue 12, case 2): reads keyed by tenant, writes with no key. A per-tenant rollout routes
 * the reads; the writes carry nothing to route them by.
 */
@DualModel("tenant-incidents")
public interface TenantIncidents {

    List<Incident> findByOrganisation(@RoutingKey String organisationId);

    void save(Incident incident);
}
