package io.dualrepo.flags.it;

import io.dualrepo.DualModel;
import io.dualrepo.RoutingKey;
import java.util.Optional;

/**
 * The repository the integration suite migrates; the processor generates {@code DualAccountRepository} for it at
 * test-compile. Named "it-accounts" because the processor wants every name once, and the unit tests have an
 * "accounts". Its routing key is the account id, so a gradual rollout keeps each account on one side.
 */
@DualModel("it-accounts")
interface AccountRepository {

    Optional<Account> findById(@RoutingKey String id);

    void save(@RoutingKey String id, Account account);
}
