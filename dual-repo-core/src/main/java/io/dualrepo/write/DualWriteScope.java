package io.dualrepo.write;

/**
 * Wraps the two halves of a dual write, for integrations that can make them one unit: {@code
 * dual-repo-hibernate} runs both in one transaction when both models share a database. The decorator needs no
 * knowledge of transactions; it hands the scope the whole write.
 */
public interface DualWriteScope {

    /** No scope: each model's write stands on its own. */
    DualWriteScope NONE = new DualWriteScope() {
        @Override
        public <R> R run(String repository, Work<R> bothWrites) throws Throwable {
            return bothWrites.run();
        }
    };

    /**
     * Whether a failure inside {@link #run} undoes both writes (one transaction). When it does not, a secondary
     * write that fails under {@link SecondaryWriteFailurePolicy#FAIL_CALL} is also handed to the failed-write
     * sink: the primary's write stands, and the caller may not retry.
     */
    default boolean atomic() {
        return false;
    }

    /**
     * Runs both writes of one call. Whatever {@code bothWrites} throws must be rethrown unchanged.
     *
     * @param repository the {@code @DualModel} name
     */
    <R> R run(String repository, Work<R> bothWrites) throws Throwable;

    /** The writes to run. */
    @FunctionalInterface
    interface Work<R> {
        R run() throws Throwable;
    }
}
