package io.dualrepo.write;

/**
 * Runs the two halves of a dual write, for integrations that know how to make them safe: {@code
 * dual-repo-hibernate} runs both in one transaction when both models share a database, and records the key of
 * the write durably, in the primary's own transaction, when they do not. The decorator needs no knowledge of
 * transactions; it hands the scope the write and the scope decides when each half runs.
 *
 * <p>A scope must call {@link DualWrite#writePrimary()} exactly once, and {@link DualWrite#writeSecondary()} at
 * most once and only after the primary succeeded, and must rethrow what they throw unchanged.
 */
public interface DualWriteScope {

    /** No scope: the primary's write, then the secondary's, each standing on its own. */
    DualWriteScope NONE = new DualWriteScope() {
        @Override
        public <R> R run(DualWrite<R> write) throws Throwable {
            R result = write.writePrimary();
            write.writeSecondary();
            return result;
        }
    };

    /**
     * Whether a failure inside {@link #run} undoes both writes (one transaction): then the two models take a write
     * both or neither, and a failed secondary write fails the call whatever the {@link
     * SecondaryWriteFailurePolicy}. When it does not, the primary's write stands, so a failed secondary write is
     * always counted and handed to the {@link FailedWriteSink}, also under {@code FAIL_CALL}.
     */
    default boolean atomic() {
        return false;
    }

    /** Runs one dual write. */
    <R> R run(DualWrite<R> write) throws Throwable;
}
