package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.internal.Printable;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.spi.WithheldMessage;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Why a {@link Backfill#run()} stopped: the job, the batch and its key range, the key when one row is to blame, and
 * the classes and SQLStates of what was thrown. The job resumes after its last committed batch on the next run.
 *
 * <p>Its cause is what was thrown with every message withheld ({@link WithheldMessage}: classes, SQLStates and stack
 * traces kept): a database's message quotes the value it refused, which may be {@link io.dualrepo.Sensitive}, and
 * whoever catches this logs it. So this exception and its whole chain are safe to log.
 */
public final class BackfillException extends RuntimeException {

    private final String job;
    private final long batch;
    private final @Nullable String startKey;
    private final @Nullable String endKey;
    private final @Nullable String key;
    private final boolean rejected;
    private final String exceptionClass;
    private final @Nullable String sqlState;

    private BackfillException(String job, long batch, @Nullable String startKey, @Nullable String endKey,
            @Nullable String key, boolean rejected,
            String message, Throwable failure) {
        super(message, WithheldMessage.of(failure));
        this.job = job;
        this.batch = batch;
        this.startKey = startKey;
        this.endKey = endKey;
        this.key = key;
        this.rejected = rejected;
        this.exceptionClass = failure.getClass().getName();
        this.sqlState = QuarantineStore.sqlStateOf(failure);
    }

    /**
     * A failure of batch {@code batch} (0: none claimed yet) that is not the row's: {@code what} the worker was doing,
     * e.g. "copying".
     */
    static BackfillException failed(String job, long batch, @Nullable String startKey, @Nullable String endKey,
            @Nullable String key, String what,
            Throwable failure) {
        return new BackfillException(job, batch, startKey, endKey, key, false, "backfill " + job + ": "
                + where(batch, startKey, endKey, key) + what + " failed: " + WithheldMessage.describe(failure)
                + ". The next run resumes after the last committed batch", failure);
    }

    /**
     * The old model's page came out of key order: the checkpoint would skip rows. The library's own finding, so its
     * message says what to change (only keys are quoted, as everywhere in these messages).
     */
    static BackfillException outOfOrder(String job, String previousKey, String key) {
        return new BackfillException(job, 0, null, null, key, false, "backfill " + job + ": the old model's page"
                + " returned key '" + Printable.of(key) + "' after '" + Printable.of(previousKey) + "'; pages must come"
                + " in ascending key order as Java compares keys, or the checkpoint skips rows. On PostgreSQL, order"
                + " text keys by the key collate \"C\" (EntityModel does, unless keyOrderAsDatabase() claims the"
                + " column sorts so already: drop that claim, or declare the column collate \"C\")",
                new IllegalStateException("keys out of order"));
    }

    /** A row the new model or the conversion rejected, and {@code why} the backfill stops for it. */
    static BackfillException rejected(String job, long batch, @Nullable String startKey, @Nullable String endKey,
            @Nullable String key, String why,
            Throwable failure) {
        return new BackfillException(job, batch, startKey, endKey, key, true, "backfill " + job + ": "
                + where(batch, startKey, endKey, key) + "the new model rejected the row: "
                + WithheldMessage.describe(failure) + "; " + why, failure);
    }

    private static String where(long batch, @Nullable String startKey, @Nullable String endKey,
            @Nullable String key) {
        StringBuilder text = new StringBuilder();
        if (batch > 0) {
            text.append("batch ").append(batch).append(" (keys ").append(range(startKey, endKey)).append(")");
        }
        if (key != null) {
            text.append(text.isEmpty() ? "" : ", ").append("key '").append(Printable.of(key)).append("'");
        }
        return text.isEmpty() ? "" : text.append(": ").toString();
    }

    static String range(@Nullable String startKey, @Nullable String endKey) {
        return (startKey == null ? "from the first" : "after '" + Printable.of(startKey) + "'") + " through '"
                + Printable.of(endKey) + "'";
    }

    public String job() {
        return job;
    }

    /** The batch's number in the job's lease table; empty when the failure came before a batch was claimed. */
    public OptionalLong batch() {
        return batch > 0 ? OptionalLong.of(batch) : OptionalLong.empty();
    }

    /** The batch's range starts after this key (as the key type writes it); empty: from the first key, or no batch. */
    public Optional<String> startKey() {
        return Optional.ofNullable(startKey);
    }

    /** The batch's last key (as the key type writes it); empty when there is no batch. */
    public Optional<String> endKey() {
        return Optional.ofNullable(endKey);
    }

    /** The key whose row was being written, when one row is to blame. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** Whether the new model (or the conversion) rejected the row: a row error, not the infrastructure's. */
    public boolean rejected() {
        return rejected;
    }

    /** The class of what was thrown. */
    public String exceptionClass() {
        return exceptionClass;
    }

    /** The first SQLState in what was thrown, when it carries one. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }
}
