package io.dualrepo.spring.jpa.app;

import io.dualrepo.spring.OldModel;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/** The old model, as Spring JPA code is written: the shared EntityManager, no transaction of its own. */
@Repository
@OldModel
class LegacyAccounts implements AccountRepository {

    @PersistenceContext
    private EntityManager entityManager;

    @Override
    public Optional<Account> findById(String id) {
        return Optional.ofNullable(entityManager.find(LegacyAccountRow.class, id))
                .map(row -> new Account(row.id, row.name));
    }

    @Override
    public void save(Account account) {
        entityManager.merge(new LegacyAccountRow(account.id(), account.name()));
    }

    @Override
    public void saveAndFlush(Account account) {
        save(account);
        entityManager.flush();
    }
}
