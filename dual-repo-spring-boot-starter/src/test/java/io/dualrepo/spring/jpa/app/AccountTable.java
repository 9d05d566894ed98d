package io.dualrepo.spring.jpa.app;

import io.dualrepo.spring.NewModel;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/**
 * The new model: a plain adapter over a Spring Data repository, whose own {@code @Transactional} methods must join
 * the dual write's transaction, not begin one beside it.
 */
@Repository
@NewModel
class AccountTable implements AccountRepository {

    private final AccountRows rows;

    AccountTable(AccountRows rows) {
        this.rows = rows;
    }

    @Override
    public Optional<Account> findById(String id) {
        return rows.findById(id).map(row -> new Account(row.id, row.name));
    }

    @Override
    public void save(Account account) {
        rows.save(new AccountRow(account.id(), account.name()));
    }

    @Override
    public void saveAndFlush(Account account) {
        rows.saveAndFlush(new AccountRow(account.id(), account.name()));
    }
}
