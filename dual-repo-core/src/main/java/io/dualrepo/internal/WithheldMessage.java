package io.dualrepo.internal;

/**
 * A model's exception as the logs may show it: its class, its stack and its causes, without any message. The
 * messages of data-layer exceptions quote the values written (a duplicate key, a constraint violation), which can
 * be fields marked {@link io.dualrepo.Sensitive}; the exception itself, message and all, still goes to the
 * {@link io.dualrepo.write.FailedWriteSink}.
 */
final class WithheldMessage extends RuntimeException {

    // A cause chain is short in practice; the bound only guards against a pathological or cyclic one.
    private static final int MAX_CAUSES = 16;

    private WithheldMessage(Throwable original, WithheldMessage cause) {
        super(original.getClass().getName() + " (message withheld: it may quote the values written)", cause, false,
                true);
        setStackTrace(original.getStackTrace());
    }

    static WithheldMessage of(Throwable error) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = error; t != null && chain.size() <= MAX_CAUSES; t = t.getCause()) {
            chain.add(t);
        }
        WithheldMessage shown = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            shown = new WithheldMessage(chain.get(i), shown);
        }
        return shown;
    }
}
