package io.dualrepo.spring.jpa.app;

import io.dualrepo.spring.NewModel;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/** The new model, written as the old one is. */
@Repository
@NewModel
class AccountTable implements AccountRepository {

    @PersistenceContext
    private EntityManager entityManager;

    @Override
    public Optional<Account> findById(String id) {
        return Optional.ofNullable(entityManager.find(AccountRow.class, id)).map(row -> new Account(row.id, row.name));
    }

    @Override
    public void save(Account account) {
        entityManager.merge(new AccountRow(account.id(), account.name()));
    }

    @Override
    public void saveAndFlush(Account account) {
        save(account);
        entityManager.flush();
    }
}
