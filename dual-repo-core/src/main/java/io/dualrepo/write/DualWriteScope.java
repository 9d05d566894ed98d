package io.dualrepo.write;

import java.util.List;

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

    /**
     * Whether a secondary write that fails outside an {@linkplain #atomic() atomic} scope is recorded durably and
     * repaired by the scope's own means (as {@code dual-repo-hibernate}'s pending-sync table is). When it is not, the
     * runtime records in the {@link io.dualrepo.record.MigrationRecord} that the secondary missed a write, and that
     * model serves no reads until a clean verification started after it.
     */
    default boolean repairsFailedWrites() {
        return false;
    }

    /**
     * How many keys of a repository wait for the scope's repair to bring {@code target} up to date; 0 when none or
     * when the scope keeps no such record. Reads do not move to a model that is still waiting for writes.
     */
    default long pendingRepairs(String repository, io.dualrepo.Side target) {
        return 0;
    }

    /**
     * Takes over a migrate-on-read copy into NEW, for a scope that can order it with every instance's writes to its
     * keys: the decorator orders a copy with this process's writes only, and a write another instance completes
     * between the copy's read of OLD and its write of NEW would be overwritten there by the value read before it.
     * The scope makes NEW hold what OLD holds now at the keys of {@code answered}, the values OLD's answer holds (an
     * {@code Optional}'s value, a collection's or an array's elements, or the answer itself).
     *
     * @return false when the scope does not copy for this repository or these values; the decorator then copies with
     *     the read's {@code copyWith}, as without a scope
     * @throws Exception what the copy threw: the read keeps its answer, and the row migrates later
     */
    default boolean copyToNew(String repository, List<?> answered) throws Exception {
        return false;
    }

    /** Runs one dual write. */
    <R> R run(DualWrite<R> write) throws Throwable;
}
