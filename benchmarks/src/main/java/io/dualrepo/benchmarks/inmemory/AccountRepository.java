package io.dualrepo.benchmarks.inmemory;

import io.dualrepo.DualModel;
import java.util.Optional;

/**
 * The repository the routing and peer benchmarks call, directly and through the generated {@code
 * DualAccountRepository}.
 */
@DualModel("accounts")
public interface AccountRepository {

    Optional<Account> findById(long id);

    void save(Account account);
}
