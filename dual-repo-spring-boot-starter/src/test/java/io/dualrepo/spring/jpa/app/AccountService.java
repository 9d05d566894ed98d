package io.dualrepo.spring.jpa.app;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The application's service: its methods are the callers' transactions. */
@Service
public class AccountService {

    private final AccountRepository accounts;
    private final JdbcTemplate jdbc;

    AccountService(AccountRepository accounts, JdbcTemplate jdbc) {
        this.accounts = accounts;
        this.jdbc = jdbc;
    }

    @Transactional
    public void save(Account account) {
        accounts.save(account);
    }

    /**
     * Saves, then counts the new model's rows with the id through JDBC on the transaction's connection, which sees
     * what was flushed, not what waits in the persistence context.
     */
    @Transactional
    public int saveAndCountFlushedNewRows(Account account) {
        accounts.save(account);
        Integer rows = jdbc.queryForObject("select count(*) from accounts where id = ?", Integer.class, account.id());
        return rows == null ? 0 : rows;
    }

    @Transactional
    public void saveAndFlush(Account account) {
        accounts.saveAndFlush(account);
    }

    /** Saves (flushing), then fails: the transaction rolls back. */
    @Transactional
    public void saveAndFlushThenFail(Account account) {
        accounts.saveAndFlush(account);
        throw new CallerChangedItsMind();
    }

    /** What {@link #saveAndFlushThenFail} throws. */
    public static final class CallerChangedItsMind extends RuntimeException {
        CallerChangedItsMind() {
            super("the caller failed after the dual write");
        }
    }
}
