package io.dualrepo.hibernate.verify;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where a verification pass stands, as one verifier knows it: handed to the {@link Listener} after each segment.
 *
 * @param job the verification job's name
 * @param done OLD rows verified in the pass so far, by every worker whose segments this verifier has seen done
 * @param total OLD rows estimated in all (the model's {@code estimateCount}), at least {@code done}; -1 when unknown
 * @param discrepancies keys found disagreeing (after the re-checks) so far
 * @param rowsPerSecond this verifier's rate since its run started
 */
public record VerificationProgress(String job, long done, long total, long discrepancies, double rowsPerSecond) {

    /** Called after each segment a worker of this verifier finishes, from that worker's thread. */
    @FunctionalInterface
    public interface Listener {
        void onProgress(VerificationProgress progress);
    }

    /** {@code done / total}, or empty while the total is unknown. */
    public OptionalDouble fraction() {
        if (total < 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(total == 0 ? 1.0 : Math.min(1.0, (double) done / total));
    }

    /** The time left at the current rate, or empty while the total or the rate is unknown. */
    public Optional<Duration> eta() {
        if (total < 0) {
            return Optional.empty();
        }
        long left = Math.max(0, total - done);
        if (left == 0) {
            return Optional.of(Duration.ZERO);
        }
        if (!(rowsPerSecond > 0)) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis((long) Math.ceil(left * 1000.0 / rowsPerSecond)));
    }
}
