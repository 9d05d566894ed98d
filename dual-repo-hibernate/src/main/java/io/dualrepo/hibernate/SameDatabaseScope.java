package io.dualrepo.hibernate;

import io.dualrepo.Side;
import io.dualrepo.hibernate.durable.PendingKeys;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.WriteKeys;
import io.dualrepo.hibernate.internal.BoundSessions;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Objects;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.resource.transaction.spi.TransactionStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dual writes for two models behind one {@link SessionFactory}, in one transaction. By default the secondary's write
 * runs in a savepoint of the primary's transaction: if it fails, only it rolls back, and the primary's write
 * commits, as the primary is the truth and a bug in the model being migrated to must not fail production writes.
 * The failure is counted, logged (bounded, the database's message withheld) and handed to the {@link
 * io.dualrepo.write.FailedWriteSink} once the primary's write has committed, never for a write that rolled back
 * whole; and with {@linkplain Builder#migration write keys} its keys are recorded in the {@link PendingSyncTable},
 * in the same transaction, for {@link io.dualrepo.hibernate.durable.PendingSyncRepair}. With write keys, a write
 * both models took is read back from both, in its transaction and once more after it commits, and keys at which
 * they differ (a concurrent write to the key got between its halves) are recorded the same way.
 *
 * <pre>{@code
 * DualRepo dualRepo = DualRepo.builder()
 *         .dualWriteScope(SameDatabaseScope.builder(sessionFactory).migration(migration, writeKeys).build())
 *         ...
 * }</pre>
 *
 * <p>{@link Builder#bothOrNeither()} makes it {@linkplain #atomic() atomic} instead: a failed secondary write rolls
 * the primary's back too and fails the call.
 *
 * <p>The secondary writes through a session of its own on the primary's connection, so a session that threw never
 * serves again and the primary's persistence context stays as the primary left it. The models' repositories must
 * run their writes through this factory's {@link Transactions} (or extend {@link HibernateRepository}) so that they
 * join the transaction. A transaction someone else manages through the factory's current session ({@code thread},
 * {@code managed}) is joined: the failure is reported after it commits. Spring's {@code JpaTransactionManager} does not
 * work through the current session (Spring Boot sets no current-session context, and Spring's own gives another
 * session than the transaction's {@code EntityManager}): under Spring use the starter's {@code
 * SpringSameDatabaseScope} ({@code dualrepo.write-scope=same-database}, docs/spring.md). A JTA factory is refused when
 * the scope is built, since savepoints are not portable across JTA resources.
 */
public final class SameDatabaseScope implements DualWriteScope {

    private static final Logger log = LoggerFactory.getLogger(SameDatabaseScope.class);

    private final Transactions transactions;
    private final boolean bothOrNeither;
    /** Absent when both-or-neither makes it needless or no migration has write keys. */
    private final @Nullable PendingKeys pendingKeys;

    private SameDatabaseScope(Builder builder) {
        this.transactions = Transactions.of(builder.sessionFactory);
        this.bothOrNeither = builder.bothOrNeither;
        if (transactions.external().jta()) {
            throw new IllegalStateException("SameDatabaseScope cannot run over a SessionFactory whose transactions"
                    + " are JTA's (" + AvailableSettings.TRANSACTION_COORDINATOR_STRATEGY + "=jta): it would write"
                    + " the two models outside the JTA transaction, or take savepoints JTA does not support; use"
                    + " resource-local transactions (" + AvailableSettings.TRANSACTION_COORDINATOR_STRATEGY
                    + "=jdbc) for this factory, or CrossDatabaseScope");
        }
        if (bothOrNeither || builder.keys.isEmpty()) {
            this.pendingKeys = null;
            if (!bothOrNeither) {
                log.warn("SameDatabaseScope without write keys: a secondary write that fails in its savepoint is"
                        + " recorded only by the log and the FailedWriteSink, not in {} for the repair; add"
                        + " .migration(migration, writeKeys) to the builder", PendingSyncTable.defaults());
            }
        } else {
            this.pendingKeys = builder.keys.build();
            for (var migration : pendingKeys.migrations()) {
                for (Side side : Side.values()) {
                    if (migration.model(side).transactions().sessionFactory() != builder.sessionFactory) {
                        throw new IllegalArgumentException("migration '" + migration.name() + "': its " + side
                                + " model writes through another SessionFactory than this SameDatabaseScope's;"
                                + " both models must share it (or use CrossDatabaseScope)");
                    }
                }
            }
        }
    }

    /** The default scope: the secondary in a savepoint, its failures recorded only by the log and the sink. */
    public static SameDatabaseScope of(SessionFactory sessionFactory) {
        return builder(sessionFactory).build();
    }

    public static Builder builder(SessionFactory sessionFactory) {
        return new Builder(sessionFactory);
    }

    @Override
    public boolean atomic() {
        return bothOrNeither;
    }

    /** With write keys, a secondary write that fails in its savepoint leaves a pending-sync row for the repair. */
    @Override
    public boolean repairsFailedWrites() {
        return pendingKeys != null;
    }

    @Override
    public long pendingRepairs(String repository, Side target) {
        return pendingKeys == null ? 0 : pendingKeys.pendingCount(repository, target);
    }

    /**
     * With write keys, migrate-on-read copies of a registered repository's values, ordered with every instance's
     * writes ({@link PendingKeys#copyToNew}); in a transaction the caller holds, where a marker would commit only
     * with it, the decorator copies.
     */
    @Override
    public boolean copyToNew(String repository, List<?> answered) {
        PendingKeys keys = this.pendingKeys;
        return keys != null && transactions.joined() == null && keys.copyToNew(repository, answered);
    }

    @Override
    public <R> R run(DualWrite<R> write) throws Throwable {
        if (bothOrNeither) {
            return runBothOrNeither(write);
        }
        Session callers = transactions.joined();
        if (callers != null) {
            return runInCallersTransaction(callers, write);
        }
        Outcome<R> outcome;
        try {
            outcome = transactions.inTransaction(session -> {
                try {
                    return writeBoth(session, write, true);
                } catch (Throwable e) {
                    throw new Carrier(e);
                }
            });
        } catch (Carrier carrier) {
            throw carrier.getCause();
        }
        if (outcome.secondaryFailure == null && !outcome.keys.isEmpty()) {
            recheckAfterCommit(write, outcome.keys, outcome.recorded);
        }
        // Committed: the primary's write stands, so a failure of the secondary's is now true to report.
        if (outcome.secondaryFailure != null) {
            write.recordSecondaryFailure(outcome.secondaryFailure);
            if (write.secondaryFailureFailsCall()) {
                throw outcome.secondaryFailure;
            }
        }
        return outcome.result;
    }

    private <R> R runInCallersTransaction(Session callers, DualWrite<R> write) throws Throwable {
        Outcome<R> outcome = writeBoth(callers, write, false);
        Throwable failure = outcome.secondaryFailure;
        if (failure != null) {
            // The caller's transaction may still roll back, taking the primary's write with it: report then only.
            callers.getTransaction().runAfterCompletion(status -> {
                if (status == TransactionStatus.COMMITTED) {
                    write.recordSecondaryFailure(failure);
                }
            });
            if (write.secondaryFailureFailsCall()) {
                throw failure;
            }
        }
        return outcome.result;
    }

    /**
     * {@code ownTransaction}: the scope began the transaction and commits it right after this, so its savepoints are
     * left for the commit to end (a round trip fewer each, two of about eighteen per write on PostgreSQL); in a
     * caller's transaction, which may hold many writes, each is released as soon as it has served.
     */
    private <R> Outcome<R> writeBoth(Session session, DualWrite<R> write, boolean ownTransaction) throws Throwable {
        R result = write.writePrimary();
        // What the primary (or the caller, before it) left unflushed reaches the database before the savepoint,
        // so that rolling back to it cannot undo any of it.
        session.flush();
        List<String> keys = pendingKeys == null ? List.of()
                : pendingKeys.keysOf(write.repository(), write.method(), write.arguments());
        Throwable failure = secondaryInSavepoint(session, write, ownTransaction);
        if (failure != null && pendingKeys != null) {
            pendingKeys.record(session, write.repository(), keys, write.primary().other());
        } else if (pendingKeys != null && !keys.isEmpty() && recordIfApart(session, write, keys, ownTransaction)) {
            // Recorded already. Where NEW serves reads it was also aligned, with OLD as read before this commit: a
            // write that commits between that read and this commit can leave it behind. Elsewhere the check after
            // the commit brings the secondary in line before the call returns, as reads may move to it meanwhile.
            return new Outcome<>(result, null, keys, true);
        }
        return new Outcome<>(result, failure, keys, false);
    }

    /**
     * Both halves ran, yet the models may now differ at the write's keys: a half that changed nothing (a save of an
     * unchanged value, a delete of a row already gone) locks no row, so another caller's write to the key can commit
     * between this write's two halves, and this one's other half then lands over it in one model only (found by
     * {@code ConcurrentHistoriesTest}). Read back in this transaction, the keys found apart are recorded with the
     * write, for the repair to copy the primary's value. When the secondary serves reads (read-through) it is also
     * given the primary's value now: otherwise readers would see this write's value there, then, after the repair,
     * the older one again. The two models are read by separate statements and this write may lock neither row, so
     * a write committing between the two reads makes them look apart with the primary's value from before it: the
     * alignment reads the primary again, from the database rather than the session, and checks both models once
     * more after its own write (see {@code KeySync.copyIn}), or it would give the secondary a deleted or overwritten
     * value back ({@code SameDatabaseReadThroughRacesTest}).
     */
    private boolean recordIfApart(Session primary, DualWrite<?> write, List<String> keys, boolean ownTransaction)
            throws SQLException {
        PendingKeys pendingKeys = Objects.requireNonNull(this.pendingKeys, "called only with write keys");
        Connection connection = primary.doReturningWork(c -> c);
        // A failed read must not abort the transaction (PostgreSQL would refuse everything after it).
        Savepoint savepoint = connection.setSavepoint();
        List<String> apart;
        try (Session check = transactions.sessionFactory().withOptions().connection(connection).openSession()) {
            // Never committed, as in secondaryInSavepoint: it only reads, and aligns through the same connection.
            check.beginTransaction();
            apart = pendingKeys.apart(check, write.repository(), keys);
            if (!apart.isEmpty() && write.secondaryServesReads()) {
                // Keys still apart after it are recorded all the same, and checked again after the commit.
                pendingKeys.align(check, write.repository(), apart, write.primary());
                check.flush();
            }
            if (!ownTransaction) {
                release(connection, savepoint);
            }
        } catch (RuntimeException e) {
            connection.rollback(savepoint);
            log.warn("{}.{}: could not read back whether the two models agree after the write; its {} key(s) are"
                    + " left to the repair", write.repository(), write.method(), keys.size(), WithheldMessage.of(e));
            apart = keys;
        }
        if (apart.isEmpty()) {
            return false;
        }
        pendingKeys.record(primary, write.repository(), apart, write.primary().other());
        return true;
    }

    private @Nullable Throwable secondaryInSavepoint(Session primary, DualWrite<?> write, boolean ownTransaction)
            throws SQLException {
        SessionFactory factory = transactions.sessionFactory();
        Connection connection = primary.doReturningWork(c -> c);
        Savepoint savepoint = connection.setSavepoint();
        Throwable failure;
        try (Session secondary = factory.withOptions().connection(connection).openSession()) {
            // Its transaction only lets it flush: it is never committed, the primary's is. Closing the session
            // leaves the connection, and the transaction on it, as they are.
            secondary.beginTransaction();
            Session previous = BoundSessions.replace(factory, secondary);
            try {
                // The flush is part of the secondary's write: a failure only the database reports counts as its own.
                failure = write.writeSecondaryHoldingFailure(secondary::flush);
            } catch (RuntimeException unflushed) {
                failure = unflushed;
            } finally {
                BoundSessions.restore(factory, previous);
            }
        }
        if (failure != null) {
            connection.rollback(savepoint);
        } else if (!ownTransaction) {
            release(connection, savepoint);
        }
        return failure;
    }

    private static void release(Connection connection, Savepoint savepoint) throws SQLException {
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLFeatureNotSupportedException notNeeded) {
            // Some drivers keep savepoints until the transaction ends: harmless for one savepoint per write.
        }
    }

    private <R> R runBothOrNeither(DualWrite<R> write) throws Throwable {
        try {
            return transactions.inTransaction(session -> {
                try {
                    R result = write.writePrimary();
                    write.writeSecondary();
                    return result;
                } catch (Throwable e) {
                    throw new Carrier(e);
                }
            });
        } catch (Carrier carrier) {
            throw carrier.getCause();
        }
    }

    /**
     * The models read back once more, after the commit ({@link PendingKeys#recheck}): a concurrent write not yet
     * committed was invisible to the check inside the transaction. A key found apart is recorded (unless the
     * transaction did) and synced from the primary before the call returns, whichever model serves reads now: the
     * route may have changed while the write was in flight.
     */
    private void recheckAfterCommit(DualWrite<?> write, List<String> keys, boolean recorded) {
        PendingKeys pendingKeys = Objects.requireNonNull(this.pendingKeys, "called only with write keys");
        try {
            if (write.secondaryServesReads()) {
                // A migrate-on-read copy that read OLD before this write committed may land in NEW after it.
                pendingKeys.awaitCopies(write.repository(), keys, write.primary().other());
            }
            pendingKeys.recheck(write.repository(), keys, write.primary(), recorded);
        } catch (RuntimeException e) {
            // The write stands and is acknowledged; a difference left now is the verifier's to find.
            log.warn("{}.{}: could not read the two models back after the write committed ({} key(s)); a concurrent"
                    + " write to them may have left them apart unrecorded", write.repository(), write.method(),
                    keys.size(), WithheldMessage.of(e));
        }
    }

    /** {@code recorded}: the write's transaction found {@code keys} apart and recorded them for the repair. */
    private record Outcome<R>(R result, @Nullable Throwable secondaryFailure, List<String> keys, boolean recorded) {}

    /** Carries a model's checked exception through the transaction's Function, to be rethrown unchanged. */
    private static final class Carrier extends RuntimeException {
        Carrier(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** Builds a {@link SameDatabaseScope}; {@link #build()} creates the pending-sync table where it is missing. */
    public static final class Builder {

        private final SessionFactory sessionFactory;
        private final PendingKeys.Builder keys = PendingKeys.builder();
        private boolean bothOrNeither;

        private Builder(SessionFactory sessionFactory) {
            this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        }

        /**
         * A repository whose failed secondary writes leave rows in the {@link PendingSyncTable} for {@link
         * io.dualrepo.hibernate.durable.PendingSyncRepair}: its migration (the repair's too) and the keys its writes
         * touch. Its two models must write through this scope's factory.
         */
        public <K extends Comparable<? super K>> Builder migration(Migration<K, ?> migration, WriteKeys<K> writeKeys) {
            keys.migration(migration, writeKeys);
            return this;
        }

        /**
         * Where the scope's meters are registered ({@code dualrepo.sync.order.waits.expired}: writes under
         * read-through that waited the bound for another instance's migrate-on-read copy of the key and went on).
         * Default: Micrometer's global registry.
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            keys.meterRegistry(meterRegistry);
            return this;
        }

        /** Default: {@link PendingSyncTable#defaults()}. The repair must use the same table. */
        public Builder table(PendingSyncTable table) {
            keys.table(table);
            return this;
        }

        /**
         * Both models take a write or neither does: one transaction, and a failed secondary write rolls the primary's
         * back and fails the call, whatever the failure policy. For teams that prefer a failed request to two
         * models that differ until the repair runs.
         */
        public Builder bothOrNeither() {
            this.bothOrNeither = true;
            return this;
        }

        /**
         * Whether {@link #build()} creates the {@link PendingSyncTable} where it is missing (only with {@link
         * #migration}s). Default true; with false it checks that the table is there, with every column, and throws
         * {@link IllegalStateException} naming what is missing and the scripts that create it (docs/hibernate.md,
         * "Schema").
         */
        public Builder createTables(boolean createTables) {
            keys.createTables(createTables);
            return this;
        }

        public SameDatabaseScope build() {
            return new SameDatabaseScope(this);
        }
    }
}
