package io.dualrepo;

/**
 * The state of a repository's shadow-read circuit breaker, from {@link DualRepo#circuitState(String)}. The breaker
 * counts the comparison reads of the other model (the one not answering the caller); while that model keeps
 * failing it opens, and comparisons are skipped as {@link io.dualrepo.compare.SkipReason#CIRCUIT_OPEN}. The
 * caller's own reads and writes never go through it.
 */
public enum CircuitState {

    /** Comparison reads run; failures are counted over the window ({@code DualRepo.Builder.circuitBreaker}). */
    CLOSED,

    /** The failure rate crossed the threshold: comparison reads are skipped until the open period has passed. */
    OPEN,

    /** The open period has passed: a few comparison reads are let through to decide whether to close or reopen. */
    HALF_OPEN
}
