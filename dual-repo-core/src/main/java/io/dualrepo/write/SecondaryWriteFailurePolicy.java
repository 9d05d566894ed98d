package io.dualrepo.write;

/** What a write does when the primary model took it and the secondary threw. */
public enum SecondaryWriteFailurePolicy {
    /**
     * The call succeeds with the primary's result; the failure is counted, logged and handed to the {@link
     * FailedWriteSink}. The default: a migration must not make the request path less available. Inside an
     * {@linkplain DualWriteScope#atomic() atomic} scope the call fails all the same: there, both or neither.
     */
    RECORD_AND_CONTINUE,
    /**
     * The call throws the secondary's exception. Inside an {@linkplain DualWriteScope#atomic() atomic} {@link
     * DualWriteScope} (one transaction over both models) this rolls the primary's write back too; otherwise the
     * primary's write stands, so the failure is also counted and handed to the {@link FailedWriteSink}.
     */
    FAIL_CALL
}
