package io.dualrepo.write;

import io.dualrepo.Side;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One call's write to both models, as a {@link DualWriteScope} runs it. */
public interface DualWrite<R> {

    /** The {@code @DualModel} name. */
    String repository();

    /** The method, with parameter types when the name is overloaded. */
    String method();

    /** The model written first: the route's read source. */
    Side primary();

    /** The call's arguments, in declaration order: the live objects the caller passed. */
    List<Object> arguments();

    /** Writes the primary model; what it throws is the caller's failure. */
    R writePrimary() throws Throwable;

    /**
     * Writes the secondary model, applying the failure policy: a failure is counted and handed to the failed-write
     * sink, and rethrown only when the call must fail (under {@link SecondaryWriteFailurePolicy#FAIL_CALL}, or in
     * an {@linkplain DualWriteScope#atomic() atomic} scope).
     *
     * @return whether the secondary model took the write
     */
    boolean writeSecondary() throws Throwable;

    /**
     * Writes the secondary model as {@link #writeSecondary()} does, counting the call and a failure, but holding back
     * the rest of the failure policy: for a scope that learns only later whether the primary's write stands (a
     * savepoint in a transaction that may still roll back), or whether the secondary's write is kept at all (one run
     * off the caller's thread, in a transaction committed only if the caller still waits for it). The scope then calls
     * {@link #recordSecondaryFailure} once the primary's write has committed, and never for a write that rolled back
     * whole, so that nothing says "reached one model but not the other" of a write that reached neither; and throws the
     * failure itself when {@link #secondaryFailureFailsCall()}.
     *
     * @return what the secondary threw, or null when it took the write
     */
    @Nullable Throwable writeSecondaryHoldingFailure();

    /**
     * As {@link #writeSecondaryHoldingFailure()}, with {@code completion} run right after the model's call as part of
     * the secondary's write: a scope whose models write through a unit of work it flushes itself (a Hibernate or JPA
     * session) passes the flush here, so that a failure the database reports only at flush counts, and is held, as
     * the secondary's, as one thrown by the model would be.
     *
     * @return what the secondary or {@code completion} threw, or null when the secondary took the write
     */
    default @Nullable Throwable writeSecondaryHoldingFailure(Runnable completion) {
        Throwable failure = writeSecondaryHoldingFailure();
        if (failure != null) {
            return failure;
        }
        try {
            completion.run();
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        }
    }

    /** Logs a failure {@link #writeSecondaryHoldingFailure()} returned and hands it to the failed-write sink. */
    void recordSecondaryFailure(Throwable error);

    /**
     * Whether a failed secondary write fails the call: under {@link SecondaryWriteFailurePolicy#FAIL_CALL}, in an
     * {@linkplain DualWriteScope#atomic() atomic} scope, or when {@link #secondaryServesReads()}.
     */
    boolean secondaryFailureFailsCall();

    /**
     * Whether the route reads the secondary model too: under read-through, where NEW is written second (after OLD,
     * the complete model) but answers first. Its write must then not be deferred (a scope that bounds the wait for
     * the secondary waits for it in full) and its failure fails the call, since a read would answer with what it
     * held before.
     */
    boolean secondaryServesReads();
}
