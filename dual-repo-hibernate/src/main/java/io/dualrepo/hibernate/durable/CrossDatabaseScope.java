package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.resource.transaction.spi.TransactionStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dual writes for two models in different databases, where no transaction spans both. Each write runs as:
 *
 * <ol>
 *   <li>in one transaction of the primary's database: the primary's write, and a row in the {@link
 *       PendingSyncTable} for each key it touched (named by the repository's {@link WriteKeys}); commit;
 *   <li>the secondary's write, in its own transaction;
 *   <li>if the secondary took it, the rows are deleted. If it did not, or the process died before, they stay, and
 *       {@link PendingSyncRepair} re-syncs those keys from the primary's current state.
 * </ol>
 *
 * <p>A secondary write that returns without an error has not necessarily taken the write: a partial update ({@code
 * update ... where id = ?}) of a key the secondary does not hold yet (the backfill has not reached it) changes
 * nothing and succeeds. So "took" also means that afterwards each key is held by both models or by neither: the
 * primary's holding is read in its transaction, right after its write, the secondary's in a short read after its
 * write; a key held on one side only keeps its rows for the repair. That costs each dual write a presence query in
 * the primary's transaction and a read transaction on the secondary's database. A write that changes nothing
 * although the key is on both sides (an update whose condition matched no row) is not seen by this; the verifier
 * finds what it leaves.
 *
 * So the primary's write and the record that it may be missing on the other side commit together: there is no
 * moment at which a write has reached one model and nothing says so. Not {@linkplain #atomic() atomic}: a failed
 * secondary write leaves the primary's write in place, and the call succeeds or fails as the {@link
 * io.dualrepo.write.SecondaryWriteFailurePolicy} says.
 *
 * <p>A slow secondary slows every write by as much, unless {@link Builder#secondaryWriteTimeout} bounds the wait:
 * the secondary's write then runs on a bounded pool in a transaction that commits only while the caller waits, and
 * one that does not finish in time is rolled back and left to the repair through the rows above. Not under
 * read-through, where the secondary (NEW, written after OLD there) answers reads first: a deferred write would be
 * read back as the value before it, so the write waits for NEW in full there, and its failure fails the call. For the
 * same reason, under read-through this instance's writes to a key run one at a time from OLD's half to the end of
 * NEW's ({@link KeyLocks}), so that they reach both models in the same order, and a write waits before NEW's half for
 * other instances' writes to its keys that committed in OLD before it, and for migrate-on-read copies of them, which
 * this scope makes in place of the decorator ({@link EarlierWrites}, {@link CopiesOnRead}).
 *
 * <p>When the caller already has a transaction open on the primary's database ({@link
 * Transactions#inTransaction}), the write and its rows join it, and the secondary is brought up to date by key
 * ({@link KeySync}) after that transaction commits; if it rolls back, neither model nor the table has anything.
 * The call cannot fail for the secondary's sake then, since it has returned before the commit.
 *
 * <pre>{@code
 * CrossDatabaseScope scope = CrossDatabaseScope.builder()
 *         .migration(Migration.of("incidents", KeyType.STRING, legacyModel, statusTableModel),
 *                 WriteKeys.<String>builder()
 *                         .on("save", arguments -> ((Incident) arguments.get(0)).id())
 *                         .on("deleteById", arguments -> (String) arguments.get(0))
 *                         .build())
 *         .build();
 * DualRepo dualRepo = DualRepo.builder().dualWriteScope(scope)...build();
 * }</pre>
 *
 * <p>The models' repositories must write through the same {@code SessionFactory} as the migration's models (or
 * extend {@link io.dualrepo.hibernate.HibernateRepository} over it) so that the primary's write joins the
 * transaction the rows are written in.
 */
public final class CrossDatabaseScope implements DualWriteScope {

    private static final Logger log = LoggerFactory.getLogger(CrossDatabaseScope.class);
    /** How long a dual write's pending row may be its own in-flight marker before it counts as waiting. */
    static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_SECONDARY_WRITE_THREADS = 8;
    // What a kept row's last_error says when no exception names the reason.
    private static final String NOT_TAKEN = "not taken: after the write a key was held by one model only";
    private static final String FAILED = "failed: the secondary's write threw (counted, logged and sunk)";

    private final Map<String, Registration<?>> registrations;
    private final PendingSyncTable table;
    /** Absent without a secondary write timeout: the secondary's write then runs on the caller's thread. */
    private final @Nullable BoundedSecondary bounded;
    private final KeyLocks keyLocks;
    private final EarlierWrites earlierWrites;
    private final AfterWrite afterWrite;
    private final CopiesOnRead copiesOnRead;

    private CrossDatabaseScope(Builder builder) {
        this.registrations = Registration.byName(builder.registrations);
        this.table = builder.table;
        OrderWaits orderWaits = new OrderWaits(builder.meterRegistry);
        this.keyLocks = new KeyLocks(orderWaits);
        this.earlierWrites = new EarlierWrites(builder.table, orderWaits);
        this.bounded = builder.secondaryWriteTimeout == null ? null
                : new BoundedSecondary(builder.secondaryWriteTimeout, builder.secondaryWriteThreads,
                        builder.meterRegistry);
        this.afterWrite = new AfterWrite(table, registrations.values(), builder.meterRegistry);
        this.copiesOnRead = new CopiesOnRead(table, afterWrite);
        for (Registration<?> registration : registrations.values()) {
            for (Side side : Side.values()) {
                table.prepare(registration.transactions(side).sessionFactory(), builder.createTables,
                        "CrossDatabaseScope");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public PendingSyncTable table() {
        return table;
    }

    @Override
    public boolean atomic() {
        return false;
    }

    /** A secondary write that fails leaves its pending rows, committed with the primary's write, for the repair. */
    @Override
    public boolean repairsFailedWrites() {
        return true;
    }

    /**
     * Keys whose rows for {@code target} wait in the other model's database: those whose secondary write failed or
     * a repair has tried, and those older than {@link #IN_FLIGHT_GRACE} (a process that died between the two
     * writes), so that the rows of dual writes still running do not hold reads back.
     */
    @Override
    public long pendingRepairs(String repository, Side target) {
        Registration<?> registration = registrations.get(repository);
        if (registration == null) {
            return 0;
        }
        return table.waitingCount(registration.transactions(target.other()).sessionFactory(), repository, target,
                Instant.now().minus(IN_FLIGHT_GRACE));
    }

    /**
     * Migrate-on-read copies of a registered repository's values, ordered with every instance's writes ({@link
     * CopiesOnRead}).
     */
    @Override
    public boolean copyToNew(String repository, List<?> answered) {
        Registration<?> registration = registrations.get(repository);
        return registration != null && copiesOnRead.copy(registration, answered);
    }

    /** The bound's pool, under {@link Builder#secondaryWriteTimeout}. For tests. */
    @Nullable BoundedSecondary bounded() {
        return bounded;
    }

    @Override
    public <R> R run(DualWrite<R> write) throws Throwable {
        Registration<?> registration = registrations.get(write.repository());
        if (registration == null) {
            throw new IllegalStateException(write.repository() + "." + write.method() + ": no migration named '"
                    + write.repository() + "' is registered with this CrossDatabaseScope (registered: "
                    + registrations.keySet() + "); nothing was written");
        }
        Side primary = write.primary();
        Transactions transactions = registration.transactions(primary);
        if (transactions.inTransaction()) {
            return joinCallersTransaction(registration, transactions, write);
        }
        if (!write.secondaryServesReads()) {
            return writeBoth(registration, transactions, write);
        }
        // NEW answers reads: the writes to a key must reach it in the order they reach OLD.
        List<String> touched;
        try {
            touched = registration.encodedKeys(write.method(), write.arguments());
        } catch (RuntimeException e) {
            // Thrown again in the primary's transaction, which rolls back.
            touched = List.of();
        }
        try (KeyLocks.Held held = keyLocks.lock(registration.repository(), touched)) {
            return writeBoth(registration, transactions, write);
        }
    }

    private <R> R writeBoth(Registration<?> registration, Transactions transactions, DualWrite<R> write)
            throws Throwable {
        Side primary = write.primary();
        List<Long> pending = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Set<String> heldByPrimary = new HashSet<>();
        R result;
        try {
            result = transactions.inTransaction(session -> {
                R written = writePrimary(write);
                keys.addAll(registration.encodedKeys(write.method(), write.arguments()));
                pending.addAll(table.insert(session, registration.repository(), keys, primary.other()));
                heldByPrimary.addAll(registration.present(primary, session, keys));
                return written;
            });
        } catch (Carrier carrier) {
            throw carrier.getCause();
        }
        if (write.secondaryServesReads() && !pending.isEmpty()) {
            // Another instance's write to a key may have committed here first, or a copy of it be running, and
            // still be writing the secondary.
            earlierWrites.awaitFinished(registration.repository(), transactions, keys, primary.other(),
                    Collections.min(pending));
        }
        if (bounded != null && !write.secondaryServesReads()
                && !registration.transactions(primary.other()).inTransaction()) {
            writeSecondaryBounded(registration, write, transactions, keys, heldByPrimary, pending);
            return result;
        }
        boolean took;
        try {
            took = write.secondaryServesReads() && !registration.transactions(primary.other()).inTransaction()
                    ? afterWrite.writeAgreeingWithPrimary(registration, write, keys)
                    : write.writeSecondary();
        } catch (Throwable e) {
            afterWrite.keptPending(registration, write, primary.other(), keys, pending, WithheldMessage.describe(e),
                    false);
            throw e;
        }
        if (took && registration.transactions(primary.other()).inTransaction()) {
            // The secondary's write joined a transaction of the caller's that may still roll back: only the rows
            // stand for it until then. The repair will find the key in sync, or bring it back.
            log.debug("{}.{}: the {} model's write is in the caller's open transaction; its {} pending row(s) stay"
                    + " for the repair", registration.repository(), write.method(), primary.other(), pending.size());
        } else if (took && (write.secondaryServesReads()
                || afterWrite.bothOrNeitherHold(registration, write, keys, heldByPrimary))) {
            // Where the secondary serves reads (read-through) it may not wait for the repair whatever left it apart
            // (a concurrent write that reached the models in the other order, found by ConcurrentHistoriesTest):
            // readers would see the write's value there, then the older one once the repair ran.
            afterWrite.clearUnlessRaced(registration, write, transactions, keys, pending);
        } else {
            afterWrite.keptPending(registration, write, primary.other(), keys, pending, took ? NOT_TAKEN : FAILED,
                    false);
        }
        return result;
    }

    /**
     * The secondary's half under {@link Builder#secondaryWriteTimeout}: in a transaction on a worker that commits only
     * while this caller waits ({@link BoundedSecondary}). A write deferred to the repair leaves the rows, already
     * committed with the primary's write, exactly as a failed one does.
     */
    private void writeSecondaryBounded(Registration<?> registration, DualWrite<?> write, Transactions transactions,
            List<String> keys, Set<String> heldByPrimary, List<Long> pending) throws Throwable {
        Side secondary = write.primary().other();
        BoundedSecondary bounded = Objects.requireNonNull(this.bounded, "called only with a secondary write timeout");
        BoundedSecondary.Outcome outcome = bounded.run(registration.repository(),
                registration.transactions(secondary).sessionFactory(),
                session -> {
                    Throwable error = write.writeSecondaryHoldingFailure();
                    if (error != null) {
                        throw new Carrier(error);
                    }
                    return afterWrite.heldAsByPrimary(registration, write, session, keys, heldByPrimary);
                },
                // Its caller has returned, its rows kept as deferred: the failure is still the sink's to see.
                error -> write.recordSecondaryFailure(unwrap(error)));
        if (outcome.deferred()) {
            afterWrite.keptPending(registration, write, secondary, keys, pending, "deferred: the " + secondary
                    + " model's write did not complete within " + bounded.timeout() + " ("
                    + Objects.requireNonNull(outcome.deferral()).tag() + ")", true);
            return;
        }
        bounded.completedInTime(registration.repository());
        if (outcome.error() != null) {
            Throwable error = unwrap(outcome.error());
            write.recordSecondaryFailure(error);
            afterWrite.keptPending(registration, write, secondary, keys, pending, WithheldMessage.describe(error),
                    false);
            if (write.secondaryFailureFailsCall()) {
                throw error;
            }
            return;
        }
        if (outcome.took()) {
            afterWrite.clearUnlessRaced(registration, write, transactions, keys, pending);
        } else {
            afterWrite.keptPending(registration, write, secondary, keys, pending, NOT_TAKEN, false);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof Carrier carrier ? Objects.requireNonNull(carrier.getCause(), "a carrier has a cause")
                : error;
    }

    private <R> R joinCallersTransaction(Registration<?> registration, Transactions transactions, DualWrite<R> write)
            throws Throwable {
        Side primary = write.primary();
        try {
            return transactions.inTransaction(session -> {
                R written = writePrimary(write);
                List<String> keys = registration.encodedKeys(write.method(), write.arguments());
                List<Long> pending = table.insert(session, registration.repository(), keys, primary.other());
                // The arguments may have changed by the time the caller commits: bring the secondary up to date
                // from what the primary then holds, not by calling its write with them.
                session.getTransaction().runAfterCompletion(status -> {
                    if (status == TransactionStatus.COMMITTED) {
                        syncAfterCommit(registration, write, transactions, keys, pending);
                    }
                });
                return written;
            });
        } catch (Carrier carrier) {
            throw carrier.getCause();
        }
    }

    private void syncAfterCommit(Registration<?> registration, DualWrite<?> write, Transactions transactions,
            List<String> keys, List<Long> pending) {
        Side primary = write.primary();
        BoundedSecondary bounded = this.bounded;
        if (bounded != null && !registration.transactions(primary.other()).inTransaction()) {
            BoundedSecondary.Outcome outcome = bounded.run(registration.repository(),
                    registration.transactions(primary.other()).sessionFactory(),
                    session -> {
                        // KeySync's transactions on the secondary's database join the gate's.
                        for (String key : keys) {
                            afterWrite.syncEncoded(registration, primary, key);
                        }
                        return true;
                    },
                    error -> log.debug("{}.{}: bringing {} up to date failed after its caller stopped waiting",
                            registration.repository(), write.method(), primary.other(), WithheldMessage.of(error)));
            if (outcome.deferred()) {
                afterWrite.keptPending(registration, write, primary.other(), keys, pending, "deferred: bringing the "
                        + primary.other() + " model up to date did not complete within " + bounded.timeout()
                        + " (" + Objects.requireNonNull(outcome.deferral()).tag() + ")", true);
                return;
            }
            bounded.completedInTime(registration.repository());
            if (outcome.error() == null) {
                afterWrite.clear(registration, write, transactions, pending);
                return;
            }
            afterWrite.keptPending(registration, write, primary.other(), keys, pending,
                    WithheldMessage.describe(outcome.error()), false);
            log.warn("{}.{}: could not bring {} up to date after the caller's transaction committed; {} key(s) wait"
                    + " for the repair", registration.repository(), write.method(), primary.other(), pending.size(),
                    WithheldMessage.of(outcome.error()));
            return;
        }
        try {
            for (String key : keys) {
                afterWrite.syncEncoded(registration, primary, key);
            }
        } catch (RuntimeException e) {
            afterWrite.keptPending(registration, write, primary.other(), keys, pending, WithheldMessage.describe(e),
                    false);
            log.warn("{}.{}: could not bring {} up to date after the caller's transaction committed; {} key(s) wait"
                    + " for the repair", registration.repository(), write.method(), primary.other(), pending.size(),
                    WithheldMessage.of(e));
            return;
        }
        afterWrite.clear(registration, write, transactions, pending);
    }

    private static <R> R writePrimary(DualWrite<R> write) {
        try {
            return write.writePrimary();
        } catch (Throwable e) {
            throw new Carrier(e);
        }
    }

    /** Carries the primary's checked exception through the transaction's Function, to be rethrown unchanged. */
    private static final class Carrier extends RuntimeException {
        Carrier(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** Builds a {@link CrossDatabaseScope}; {@link #build()} creates the pending-sync table where it is missing. */
    public static final class Builder {

        private final List<Registration<?>> registrations = new ArrayList<>();
        private PendingSyncTable table = PendingSyncTable.defaults();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private @Nullable Duration secondaryWriteTimeout;
        private int secondaryWriteThreads = DEFAULT_SECONDARY_WRITE_THREADS;
        private boolean createTables = true;

        private Builder() {}

        /**
         * How long a caller waits for the secondary's half of its write. Default: no bound, the caller waits for it
         * as for the primary's.
         *
         * <p>With a bound, the secondary's half runs on one of {@link #secondaryWriteThreads} threads, in a
         * transaction of the secondary's database that commits only while the caller still waits. When the time
         * runs out first, the caller returns with the primary's write committed, the secondary's is rolled back
         * whenever it returns (it never lands late, so it cannot overwrite a newer write or undo a repair), and the
         * key waits in the pending-sync table, as after a failed secondary write, until {@link PendingSyncRepair}
         * copies the primary's value. A write whose commit has already begun when the time runs out is waited for.
         * A deferral never fails the call, whatever the {@link io.dualrepo.write.SecondaryWriteFailurePolicy}.
         *
         * <p>The trade-off: the secondary is behind the primary by up to the repair's interval for every deferred
         * key, reads that compare the two see the older value until then, and reads do not move to the secondary while
         * keys wait ({@link CrossDatabaseScope#pendingRepairs}). Requires the secondary model's repository to write
         * through the migration's {@code SessionFactory} ({@link io.dualrepo.hibernate.HibernateRepository} does), so
         * that its write joins the transaction held back; a repository that commits on its own is not held back. When
         * the caller has a transaction open on the secondary's database, the secondary's half joins it on the caller's
         * thread, unbounded, as without a timeout. Under read-through the bound does not apply: NEW, the secondary
         * there (OLD is written first), answers reads first, so its write is waited for in full.
         */
        public Builder secondaryWriteTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("secondaryWriteTimeout must be positive, was " + timeout);
            }
            this.secondaryWriteTimeout = timeout;
            return this;
        }

        /**
         * Threads that run secondary halves under {@link #secondaryWriteTimeout}, and as many may queue; beyond
         * that a write is deferred to the repair at once (a secondary that hangs holds every thread, and then
         * costs a write nothing). Default {@value #DEFAULT_SECONDARY_WRITE_THREADS}.
         */
        public Builder secondaryWriteThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("secondaryWriteThreads must be at least 1, was " + threads);
            }
            this.secondaryWriteThreads = threads;
            return this;
        }

        /** A repository whose dual writes this scope runs: its migration (name, key type, models) and write keys. */
        public <K extends Comparable<? super K>> Builder migration(Migration<K, ?> migration, WriteKeys<K> keys) {
            registrations.add(Registration.of(migration, keys));
            return this;
        }

        /** Default: {@link PendingSyncTable#defaults()}. The repair must use the same table. */
        public Builder table(PendingSyncTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /** Default: Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Whether {@link #build()} creates the {@link PendingSyncTable} where it is missing. Default true; with false
         * it checks that the table is there, with every column, and throws {@link IllegalStateException} naming what
         * is missing and the scripts that create it (docs/hibernate.md, "Schema").
         */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        public CrossDatabaseScope build() {
            return new CrossDatabaseScope(this);
        }
    }
}
