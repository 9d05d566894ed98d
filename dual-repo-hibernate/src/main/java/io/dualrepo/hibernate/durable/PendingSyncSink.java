package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.FailedWriteSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FailedWriteSink} that records the keys of a failed secondary write in the {@link PendingSyncTable} of
 * the primary's database, for {@link PendingSyncRepair} to re-sync: durability for dual writes run without {@link
 * CrossDatabaseScope}. Weaker than the scope: the record is written after the primary committed, so a process that
 * dies between the two writes leaves nothing behind (only the verifier finds it). Not needed with the scope,
 * which records every write before its secondary runs.
 *
 * <pre>{@code
 * DualRepo.builder().failedWriteSink(PendingSyncSink.builder().migration(migration, keys).build())
 * }</pre>
 */
public final class PendingSyncSink implements FailedWriteSink {

    private static final Logger log = LoggerFactory.getLogger(PendingSyncSink.class);

    private final Map<String, Registration<?>> registrations;
    private final PendingSyncTable table;

    private PendingSyncSink(Builder builder) {
        this.registrations = Registration.byName(builder.registrations);
        this.table = builder.table;
        for (Registration<?> registration : registrations.values()) {
            for (Side side : Side.values()) {
                table.prepare(registration.transactions(side).sessionFactory(), builder.createTables,
                        "PendingSyncSink");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records the write's keys, in a transaction of the primary's database of its own.
     *
     * @throws IllegalStateException when the repository is not registered or its keys cannot be named (the
     *     decorator logs and counts it: the failed write is then only in the log)
     */
    @Override
    public void record(FailedWrite failedWrite) {
        Registration<?> registration = registrations.get(failedWrite.repository());
        if (registration == null) {
            throw new IllegalStateException(failedWrite.repository() + "." + failedWrite.method() + ": no migration"
                    + " named '" + failedWrite.repository() + "' is registered with this PendingSyncSink (registered: "
                    + registrations.keySet() + ")");
        }
        Side target = failedWrite.failedSide();
        List<String> keys = registration.encodedKeys(failedWrite.method(), failedWrite.arguments());
        registration.transactions(target.other()).runInTransaction(session -> {
            table.insert(session, registration.repository(), keys, target);
        });
        log.warn("{}.{}: the {} model did not take the write; {} key(s) wait in {} for the repair",
                registration.repository(), failedWrite.method(), target, keys.size(), table);
    }

    /** Builds a {@link PendingSyncSink}; {@link #build()} creates the pending-sync table where it is missing. */
    public static final class Builder {

        private final List<Registration<?>> registrations = new ArrayList<>();
        private PendingSyncTable table = PendingSyncTable.defaults();
        private boolean createTables = true;

        private Builder() {}

        public <K extends Comparable<? super K>> Builder migration(Migration<K, ?> migration, WriteKeys<K> keys) {
            registrations.add(Registration.of(migration, keys));
            return this;
        }

        public Builder table(PendingSyncTable table) {
            this.table = Objects.requireNonNull(table, "table");
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

        public PendingSyncSink build() {
            return new PendingSyncSink(this);
        }
    }
}
