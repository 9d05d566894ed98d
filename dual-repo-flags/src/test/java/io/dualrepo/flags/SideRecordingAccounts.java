package io.dualrepo.flags;

import io.dualrepo.Side;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One model of the accounts, recording which side served each call. */
final class SideRecordingAccounts implements AccountRepository {

    record Served(Side side, String method, String tenant) {}

    private final Side side;
    private final ConcurrentLinkedQueue<Served> served;
    final Map<String, String> rows = new ConcurrentHashMap<>();

    SideRecordingAccounts(Side side, ConcurrentLinkedQueue<Served> served) {
        this.side = side;
        this.served = served;
    }

    @Override
    public Optional<String> findByTenant(String tenant) {
        served.add(new Served(side, "findByTenant", tenant));
        return Optional.ofNullable(rows.get(tenant));
    }

    @Override
    public void save(String tenant, String value) {
        served.add(new Served(side, "save", tenant));
        rows.put(tenant, value);
    }
}
