package io.dualrepo.console.internal;

import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One repository's comparison outcomes: totals, a ring of time buckets, and the latest mismatches. */
public final class OutcomeSeries {

    public static final Duration BUCKET = Duration.ofSeconds(5);
    public static final int BUCKETS = 60;
    public static final int RECENT_MISMATCHES = 20;

    private static final Outcome[] OUTCOMES = Outcome.values();

    private final Clock clock;
    private final long bucketMillis = BUCKET.toMillis();
    // A ring of buckets: slot i holds the bucket whose number is bucketNumber[i], or stale counts to be reset.
    private final long[] bucketNumber = new long[BUCKETS];
    private final long[][] bucketCounts = new long[BUCKETS][OUTCOMES.length];
    private final long[] totals = new long[OUTCOMES.length];
    private final Deque<Mismatch> recentMismatches = new ArrayDeque<>();

    public OutcomeSeries(Clock clock) {
        this.clock = clock;
        Arrays.fill(bucketNumber, -1);
    }

    /** One mismatch as the page lists it. */
    public record Mismatch(long at, String method, String primary, List<Difference> differences) {}

    /** Outcome counts of one bucket, starting at {@code start} (epoch milliseconds). */
    public record Bucket(long start, Map<String, Long> counts) {}

    /** A consistent copy, newest mismatch first and buckets oldest first. */
    public record Snapshot(Map<String, Long> totals, long bucketSeconds, List<Bucket> series,
            List<Mismatch> recentMismatches) {}

    public void record(ComparisonResult result) {
        long now = clock.millis();
        int outcome = result.outcome().ordinal();
        synchronized (this) {
            long number = now / bucketMillis;
            int slot = (int) (number % BUCKETS);
            if (bucketNumber[slot] != number) {
                bucketNumber[slot] = number;
                Arrays.fill(bucketCounts[slot], 0);
            }
            bucketCounts[slot][outcome]++;
            totals[outcome]++;
            if (result.outcome() == Outcome.MISMATCH) {
                recentMismatches.addFirst(new Mismatch(now, result.method(), result.primary().name(),
                        result.differences()));
                if (recentMismatches.size() > RECENT_MISMATCHES) {
                    recentMismatches.removeLast();
                }
            }
        }
    }

    public synchronized Snapshot snapshot() {
        long current = clock.millis() / bucketMillis;
        List<Bucket> series = new ArrayList<>(BUCKETS);
        // Every bucket of the window, empty ones included, so the chart's time axis never jumps.
        for (long number = current - BUCKETS + 1; number <= current; number++) {
            int slot = (int) (number % BUCKETS);
            long[] counts = bucketNumber[slot] == number ? bucketCounts[slot] : new long[OUTCOMES.length];
            series.add(new Bucket(number * bucketMillis, byOutcome(counts)));
        }
        return new Snapshot(byOutcome(totals), BUCKET.toSeconds(), series, List.copyOf(recentMismatches));
    }

    private static Map<String, Long> byOutcome(long[] counts) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (Outcome outcome : OUTCOMES) {
            named.put(outcome.tag(), counts[outcome.ordinal()]);
        }
        return named;
    }
}
