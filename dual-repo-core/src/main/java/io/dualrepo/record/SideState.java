package io.dualrepo.record;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One model's standing in the record.
 *
 * @param status where it stands
 * @param since when that status began: since when it has been written, or since when it has not
 * @param backfilledAt when a clean backfill into it, started after {@code since}, finished; or null. The first half
 *     of the evidence that makes a {@link SideStatus#CATCHING_UP} or {@link SideStatus#RESYNCING} model complete; the
 *     other half is a clean verification that started after it
 * @param missedSince when it first failed to take a dual write that nothing durable will repair, or null; it
 *     serves no reads until a clean verification that started after that time
 * @param forced whether an operator declared it complete rather than the evidence proving it
 * @param rowsVerifiedAt when a verification that found every row it holds equal to the other model's started, since
 *     it has been written (one that found rows missing from it counts: read-through needs no more); or null
 */
public record SideState(SideStatus status, Instant since, @Nullable Instant backfilledAt, @Nullable Instant missedSince,
        boolean forced, @Nullable Instant rowsVerifiedAt) {

    public SideState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
    }

    static SideState of(SideStatus status, Instant since) {
        return new SideState(status, since, null, null, false, null);
    }

    /** Whether it may serve reads: complete, and no unrepaired missed write. */
    public boolean servesReads() {
        return status == SideStatus.COMPLETE && missedSince == null;
    }

    SideState withMissed(Instant at) {
        return new SideState(status, since, backfilledAt, at, forced, rowsVerifiedAt);
    }
}
