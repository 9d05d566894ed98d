package io.dualrepo.flags;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.Optional;

/** A real @DualModel interface: routed per tenant, so that a gradual rollout sticks to tenants. */
@DualModel("accounts")
public interface AccountRepository {

    Optional<String> findByTenant(@RoutingKey String tenant);

    void save(@RoutingKey String tenant, String value);
}
