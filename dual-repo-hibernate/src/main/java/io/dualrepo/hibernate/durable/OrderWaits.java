package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.HibernateMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the waits that order writes to a key under read-through ({@link KeyLocks}, {@link EarlierWrites}) and ran
 * out. A write whose wait ran out goes on rather than stall the request path, so two writes to the key may reach NEW,
 * which answers reads there, in the other order until the check after the write syncs the key: a short stale
 * window, not a loss, but one an operator must be able to see rather than find in a DEBUG log. A machine short of
 * CPU (a wait is 250 or 500 ms) or a process stuck between its halves makes them; a count that keeps rising says
 * the ordering no longer holds.
 */
final class OrderWaits {

    static final String KEY_LOCK = "key-lock";
    static final String EARLIER_WRITES = "earlier-writes";

    private final MeterRegistry registry;

    OrderWaits(MeterRegistry registry) {
        this.registry = registry;
    }

    void expired(String repository, String wait) {
        // Looked up on each call: rare by design, and the registry keeps one counter per repository and wait.
        Counter.builder(HibernateMeters.SYNC_ORDER_WAITS_EXPIRED.meterName())
                .description(HibernateMeters.SYNC_ORDER_WAITS_EXPIRED.description())
                .tag(SyncMetrics.TAG_REPOSITORY, repository)
                .tag(SyncMetrics.TAG_WAIT, wait)
                .register(registry)
                .increment();
    }
}
