package io.dualrepo.write;

/**
 * Where secondary writes that failed go under {@link SecondaryWriteFailurePolicy#RECORD_AND_CONTINUE}, so that
 * they can be repaired: {@code dual-repo-hibernate} records them durably. The default only logs, which is why
 * the backfill and the verifier exist. A sink that throws is logged and counted; the caller's call still
 * succeeds.
 */
@FunctionalInterface
public interface FailedWriteSink {

    void record(FailedWrite failedWrite);
}
