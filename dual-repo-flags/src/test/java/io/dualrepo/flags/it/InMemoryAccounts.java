package io.dualrepo.flags.it;

import io.dualrepo.Side;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One model of the account repository, in memory, recording every call it receives in a log shared by both. */
final class InMemoryAccounts implements AccountRepository {

    /** One call a model received. */
    record Touch(Side side, String method, String id) {}

    private final Side side;
    private final List<Touch> touches;
    private final Map<String, Account> rows = new ConcurrentHashMap<>();

    InMemoryAccounts(Side side, List<Touch> touches) {
        this.side = side;
        this.touches = touches;
    }

    @Override
    public Optional<Account> findById(String id) {
        touches.add(new Touch(side, "findById", id));
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(String id, Account account) {
        touches.add(new Touch(side, "save", id));
        rows.put(id, account);
    }

    /** Takes every row of {@code other}, as a backfill would. */
    void copyFrom(InMemoryAccounts other) {
        rows.putAll(other.rows);
    }

    boolean holds(String id) {
        return rows.containsKey(id);
    }
}
