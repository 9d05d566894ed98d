package io.dualrepo.reliability;

import java.time.Duration;

/**
 * How much load and how many faults each scenario gets. The defaults are the bounded form that {@code .ci/run}
 * runs; the soak form is the same suite with larger values ({@code -Dreliability.seconds=60} and so on, see
 * docs/reliability.md).
 */
final class Bounds {

    /** Concurrent callers in the load scenarios. */
    static final int CALLERS = Integer.getInteger("reliability.callers", 16);
    /** How long each load phase (healthy, faulty, recovering) lasts. */
    static final Duration PHASE = Duration.ofMillis(Long.getLong("reliability.phase.ms", 2_000));
    /** Keys each caller owns: a caller is the only writer of its keys, so its record of them is exact. */
    static final int KEYS_PER_CALLER = Integer.getInteger("reliability.keys", 12);
    /** Process deaths between the two writes of a cross-database dual write. */
    static final int DEATHS = Integer.getInteger("reliability.deaths", 5);
    /** Backfill runs killed at a random batch while writers run. */
    static final int BACKFILL_KILLS = Integer.getInteger("reliability.backfill.kills", 20);
    /** Old rows the killed backfill copies. */
    static final int BACKFILL_ROWS = Integer.getInteger("reliability.backfill.rows", 2_000);
    /** Elements of the very large collections compared in the bad-input scenario. */
    static final int LARGE_COLLECTION = Integer.getInteger("reliability.large", 1_000_000);

    private Bounds() {}

    static String describe() {
        return "callers=" + CALLERS + ", phase=" + PHASE.toMillis() + " ms, keys/caller=" + KEYS_PER_CALLER
                + ", deaths=" + DEATHS + ", backfill kills=" + BACKFILL_KILLS + " over " + BACKFILL_ROWS + " rows"
                + ", large collections=" + LARGE_COLLECTION;
    }
}
