package io.dualrepo.record;

/** What caused an entry of the record's history. */
public enum Origin {
    /** The route source (flags, an in-memory source, an operator page that sets one). */
    ROUTE_SOURCE,
    /** The runtime's configured default route, taken when the record had none. */
    DEFAULT_ROUTE,
    /** A backfill reported its result. */
    BACKFILL,
    /** A verification reported its result. */
    VERIFICATION,
    /** A write the secondary model did not take, with nothing durable to repair it. */
    MISSED_WRITE,
    /** An operator declared a model complete, on record, without the evidence the rules ask for. */
    FORCE
}
