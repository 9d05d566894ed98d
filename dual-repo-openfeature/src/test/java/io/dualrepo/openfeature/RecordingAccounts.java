package io.dualrepo.openfeature;

import io.dualrepo.Side;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One model of the accounts: a map, recording which side served each call. */
final class RecordingAccounts implements AccountRepository {

    private final Side side;
    private final ConcurrentLinkedQueue<Side> served;
    final Map<String, String> rows = new ConcurrentHashMap<>();

    RecordingAccounts(Side side, ConcurrentLinkedQueue<Side> served) {
        this.side = side;
        this.served = served;
    }

    @Override
    public Optional<String> findByTenant(String tenant) {
        served.add(side);
        return Optional.ofNullable(rows.get(tenant));
    }

    @Override
    public void save(String tenant, String value) {
        served.add(side);
        rows.put(tenant, value);
    }
}
