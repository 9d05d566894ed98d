package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hibernate.Session;

/**
 * Pending-sync rows written inside a transaction the caller holds: what {@link io.dualrepo.hibernate.SameDatabaseScope}
 * leaves for {@link PendingSyncRepair} when a secondary write fails in its savepoint, so that the row commits with
 * the primary's write or not at all. Applications configure it through {@code SameDatabaseScope.builder(...)
 * .migration(migration, writeKeys)}; it is public only for that scope to reach.
 */
public final class PendingKeys {

    private final Map<String, Registration<?>> registrations;
    private final PendingSyncTable table;
    private final Map<String, KeySync<?, ?>> syncs = new HashMap<>();
    private final EarlierWrites earlierWrites;

    private PendingKeys(Builder builder) {
        this.registrations = Registration.byName(builder.registrations);
        this.table = builder.table;
        this.earlierWrites = new EarlierWrites(table, new OrderWaits(builder.meterRegistry));
        for (Registration<?> registration : registrations.values()) {
            syncs.put(registration.repository(), KeySync.of(registration.migration));
        }
        for (Registration<?> registration : registrations.values()) {
            for (Side side : Side.values()) {
                table.prepare(registration.transactions(side).sessionFactory(), builder.createTables,
                        "SameDatabaseScope");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registered migrations, for the scope to check they write through its factory. */
    public List<Migration<?, ?>> migrations() {
        List<Migration<?, ?>> migrations = new ArrayList<>();
        for (Registration<?> registration : registrations.values()) {
            migrations.add(registration.migration);
        }
        return migrations;
    }

    public PendingSyncTable table() {
        return table;
    }

    /**
     * The write's keys as the table holds them, named while its primary's transaction is open.
     *
     * @throws IllegalStateException when the repository is not registered or its keys cannot be named: a write
     *     that could not be repaired, which the caller rolls back
     */
    public List<String> keysOf(String repository, String method, List<Object> arguments) {
        Registration<?> registration = registrations.get(repository);
        if (registration == null) {
            throw new IllegalStateException(repository + "." + method + ": no migration named '" + repository
                    + "' is registered with this SameDatabaseScope (registered: " + registrations.keySet()
                    + "); nothing was written");
        }
        return registration.encodedKeys(method, arguments);
    }

    /** Rows for {@code keys} in the session's transaction: the {@code target} model may not have their write. */
    public void record(Session session, String repository, List<String> keys, Side target) {
        table.insert(session, repository, keys, target);
    }

    /**
     * Of the write's keys, the ones at which the two models hold different values, both read through {@code
     * session}, which must see the write (a session on its transaction's connection). A write both models took can
     * still leave them apart: a half that changed nothing (a save of an unchanged value, a delete of a row already
     * gone) locks no row, so another write to the key can commit between the two halves.
     */
    public List<String> apart(Session session, String repository, List<String> keys) {
        return apart(registration(repository), session, keys);
    }

    private <K extends Comparable<? super K>> List<String> apart(Registration<K> registration, Session session,
            List<String> keys) {
        KeySync<K, ?> sync = syncOf(registration);
        List<String> apart = new ArrayList<>();
        for (String key : new LinkedHashSet<>(keys)) {
            if (!sync.agreeIn(session, registration.migration.keyType().decode(key))) {
                apart.add(key);
            }
        }
        return apart;
    }

    /**
     * After the write committed, its keys at which the models hold different values, read in a transaction of its
     * own; recorded for the repair (target: {@code primary}'s other model) in another unless {@code recorded} (the
     * write's transaction recorded them already), and brought in line with {@code primary} at once, whichever model
     * serves reads: reads may have moved to the other model while the write was in flight (a route change between
     * its start and its commit), and the repair could run much later. Needed besides {@link #apart} inside the
     * write's transaction:
     * there, a concurrent write to the key that has not committed yet is invisible, so two writes can each find the
     * models agreeing and still leave them apart once both committed (seen on PostgreSQL); after the later commit,
     * its check sees both.
     *
     * @return the keys found apart
     */
    public List<String> recheck(String repository, List<String> keys, Side primary, boolean recorded) {
        return recheck(registration(repository), keys, primary, recorded);
    }

    private <K extends Comparable<? super K>> List<String> recheck(Registration<K> registration, List<String> keys,
            Side primary, boolean recorded) {
        var transactions = registration.transactions(primary);
        List<String> apart = transactions.read(session -> apart(registration, session, keys));
        if (apart.isEmpty()) {
            return apart;
        }
        if (!recorded) {
            transactions.runInTransaction(session -> {
                table.insert(session, registration.repository(), apart, primary.other());
            });
        }
        // Recorded first, so that a failure (or a process death) from here on leaves the keys to the repair.
        KeySync<K, ?> sync = syncOf(registration);
        for (String key : apart) {
            sync.syncInOneDatabase(primary, registration.migration.keyType().decode(key));
        }
        return apart;
    }

    /**
     * Makes {@code source}'s other model hold what {@code source} holds at each key, through {@code session}, each
     * read fresh from the database and checked again after the write (see {@link KeySync}).
     *
     * @return the keys still apart after that, which a write committing meanwhile kept changing
     */
    public List<String> align(Session session, String repository, List<String> keys, Side source) {
        return align(registration(repository), session, keys, source);
    }

    private <K extends Comparable<? super K>> List<String> align(Registration<K> registration, Session session,
            List<String> keys, Side source) {
        KeySync<K, ?> sync = syncOf(registration);
        List<String> apart = new ArrayList<>();
        for (String key : keys) {
            if (!sync.copyIn(session, source, registration.migration.keyType().decode(key))) {
                apart.add(key);
            }
        }
        return apart;
    }

    /**
     * Keys of a repository waiting for the repair to bring {@code target} up to date. Rows are written only with a
     * failed secondary write or models found apart after a write, in the primary's transaction, so every row
     * counts.
     */
    public long pendingCount(String repository, Side target) {
        Registration<?> registration = registrations.get(repository);
        if (registration == null) {
            return 0;
        }
        return table.pendingCount(registration.transactions(target.other()).sessionFactory(), repository, target);
    }

    /** Builds {@link PendingKeys}; {@link #build()} creates the pending-sync table where it is missing. */
    public static final class Builder {

        private final List<Registration<?>> registrations = new ArrayList<>();
        private PendingSyncTable table = PendingSyncTable.defaults();
        private boolean createTables = true;
        private MeterRegistry meterRegistry = Metrics.globalRegistry;

        private Builder() {}

        /** Where {@code dualrepo.sync.order.waits.expired} is counted. Default: Micrometer's global registry. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        public <K extends Comparable<? super K>> Builder migration(Migration<K, ?> migration, WriteKeys<K> keys) {
            registrations.add(Registration.of(migration, keys));
            return this;
        }

        public Builder table(PendingSyncTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /** Whether {@link #build()} creates the table where it is missing, else checks that it is there. */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        public boolean isEmpty() {
            return registrations.isEmpty();
        }

        public PendingKeys build() {
            return new PendingKeys(this);
        }
    }

    /**
     * A migrate-on-read copy into NEW for {@code SameDatabaseScope}, ordered with every instance's writes to its keys
     * as {@link CopiesOnRead} does across two databases: markers committed first, each key synced from OLD's current
     * state ({@link KeySync#syncInOneDatabase}), the markers removed; a write to a marked key waits for the copy
     * after its commit ({@link #awaitCopies}) and checks the models again.
     *
     * @return false when the repository is not registered or the values are not its migration's: the decorator
     *     copies then
     */
    public boolean copyToNew(String repository, List<?> answered) {
        Registration<?> registration = registrations.get(repository);
        return registration != null && copyToNew(registration, answered);
    }

    private <K extends Comparable<? super K>> boolean copyToNew(Registration<K> registration, List<?> answered) {
        List<String> keys = registration.encodedKeysOfValues(answered);
        if (keys == null) {
            return false;
        }
        if (keys.isEmpty()) {
            return true;
        }
        KeySync<K, ?> sync = syncOf(registration);
        CopiesOnRead.whileMarked(table, registration, keys, () -> {
            for (String key : new LinkedHashSet<>(keys)) {
                sync.syncInOneDatabase(Side.OLD, registration.migration.keyType().decode(key));
            }
        });
        return true;
    }

    /**
     * Waits, bounded, while a migrate-on-read copy of one of {@code keys} into {@code target} runs, in any instance:
     * one that read OLD before the write committed may land in NEW after the write's own check.
     */
    public void awaitCopies(String repository, List<String> keys, Side target) {
        Registration<?> registration = registration(repository);
        // No row id is below Long.MIN_VALUE: only copies' markers are waited for, never another write's rows.
        earlierWrites.awaitFinished(repository, registration.transactions(target.other()), keys, target,
                Long.MIN_VALUE);
    }

    // Callers name only repositories this instance was built with.
    private Registration<?> registration(String repository) {
        return Objects.requireNonNull(registrations.get(repository), "a repository registered with the scope");
    }

    @SuppressWarnings("unchecked")
    private <K extends Comparable<? super K>> KeySync<K, ?> syncOf(Registration<K> registration) {
        return (KeySync<K, ?>) Objects.requireNonNull(syncs.get(registration.repository()),
                "every registration has a sync");
    }
}
