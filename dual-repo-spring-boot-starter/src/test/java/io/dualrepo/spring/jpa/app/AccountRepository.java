package io.dualrepo.spring.jpa.app;

import io.dualrepo.DualModel;
import java.util.Optional;

/**
 * The application's repository: its old model writes through the shared EntityManager, its new one through Spring
 * Data.
 */
@DualModel("accounts")
public interface AccountRepository {

    Optional<Account> findById(String id);

    /** Merges the account into the persistence context: the database sees it at the next flush. */
    void save(Account account);

    /** As {@link #save}, then flushes: a failure the database reports is thrown by this call. */
    void saveAndFlush(Account account);
}
