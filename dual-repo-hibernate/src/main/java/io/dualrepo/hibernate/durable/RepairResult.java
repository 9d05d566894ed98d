package io.dualrepo.hibernate.durable;

import java.time.Duration;
import java.util.Map;

/**
 * What one {@link PendingSyncRepair#repairNow()} pass did.
 *
 * @param keysSynced keys re-synced and cleared (whether the target needed a write or was already in sync)
 * @param keysFailed keys whose sync failed; their rows stay, with one more attempt and the error
 * @param keysRejected of those, keys whose value the target model rejected (a row error): also recorded in the
 *     quarantine table of the target's database
 * @param rowsCleared pending rows deleted (a key written several times has several)
 * @param stillPending rows waiting after the pass, by repository: failures and rows too young to repair
 * @param took how long the pass ran
 */
public record RepairResult(long keysSynced, long keysFailed, long keysRejected, long rowsCleared,
        Map<String, Long> stillPending, Duration took) {

    public RepairResult {
        stillPending = Map.copyOf(stillPending);
    }

    /** Rows waiting after the pass, all repositories together. */
    public long totalStillPending() {
        return stillPending.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        return "synced " + keysSynced + " key(s), " + keysFailed + " failed (" + keysRejected + " rejected by the"
                + " model, in the quarantine), " + rowsCleared + " row(s) cleared, "
                + totalStillPending() + " still pending " + stillPending + " in " + took.toMillis() + " ms";
    }
}
