package io.dualrepo.openfeature;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.Optional;

/** A @DualModel routed per tenant, so that targeting by the OpenFeature targeting key sticks to tenants. */
@DualModel("accounts")
public interface AccountRepository {

    Optional<String> findByTenant(@RoutingKey String tenant);

    void save(@RoutingKey String tenant, String value);
}
