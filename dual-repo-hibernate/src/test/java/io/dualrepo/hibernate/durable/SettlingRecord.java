package io.dualrepo.hibernate.durable;

import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.RecordEntry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@link StageWorld}'s migration record: a real one, whose settle time is the model test's way of letting time pass.
 * The runtime's rules assume that a route change reaches every instance, and every call that took the route before
 * it returns, within the settle time. The test cannot hold a thread for a real settle time per sequence, so it makes
 * the assumption true instead: while a call is held, the settle time is longer than any sequence runs (the call may
 * run across a route change, as an instance that has not followed yet); once it returned, the settle time has
 * passed. Until a call has been held, the process is one whose calls never run across a route change, whose settle
 * time may be zero; from then on it is a fleet's, whose settle time is not: a nanosecond, long passed by the next
 * step.
 */
final class SettlingRecord implements MigrationRecord {

    private static final Duration NOT_YET = Duration.ofDays(1);
    private static final Duration PASSED = Duration.ofNanos(1);

    private final MigrationRecord stored;
    private final BooleanSupplier callHeld;
    private final BooleanSupplier callsHeldBefore;

    SettlingRecord(MigrationRecord stored, BooleanSupplier callHeld, BooleanSupplier callsHeldBefore) {
        this.stored = stored;
        this.callHeld = callHeld;
        this.callsHeldBefore = callsHeldBefore;
    }

    @Override
    public Optional<MigrationState> read(String repository) {
        return stored.read(repository);
    }

    @Override
    public boolean compareAndSet(String repository, long expectedVersion, MigrationState next, RecordEntry entry) {
        return stored.compareAndSet(repository, expectedVersion, next, entry);
    }

    @Override
    public List<RecordEntry> history(String repository, int limit) {
        return stored.history(repository, limit);
    }

    @Override
    public Duration settleTime() {
        if (callHeld.getAsBoolean()) {
            return NOT_YET;
        }
        return callsHeldBefore.getAsBoolean() ? PASSED : Duration.ZERO;
    }

    @Override
    public Duration recheckInterval() {
        return Duration.ZERO;
    }

    @Override
    public String toString() {
        return stored.toString();
    }
}
