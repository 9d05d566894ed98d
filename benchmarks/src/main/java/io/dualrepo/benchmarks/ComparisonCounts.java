package io.dualrepo.benchmarks;

import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of a trial's shadow reads, from dual-repo's own counters: a closed benchmark loop calls faster than
 * the comparison threads can read the other model, and the bulkhead then skips most comparisons. The report's
 * readers need that share to judge a SHADOW figure, so trials print it at tear-down.
 */
final class ComparisonCounts {

    private ComparisonCounts() {}

    static String describe(MeterRegistry registry) {
        return describe(registry, Map.of());
    }

    /** Every comparison counter's count by outcome (and {@code skipped:}reason), to subtract from later ones. */
    static Map<String, Double> snapshot(MeterRegistry registry) {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter counter : registry.find(DualRepoMetrics.COMPARISONS).counters()) {
            counts.merge(counter.getId().getTag(DualRepoMetrics.TAG_OUTCOME), counter.count(), Double::sum);
        }
        for (Counter counter : registry.find(DualRepoMetrics.COMPARISONS_SKIPPED).counters()) {
            counts.merge("skipped:" + counter.getId().getTag(DualRepoMetrics.TAG_REASON), counter.count(),
                    Double::sum);
        }
        return counts;
    }

    /** Reads that asked for a comparison since {@code baseline}, whatever became of them. */
    static double total(MeterRegistry registry, Map<String, Double> baseline) {
        double total = 0;
        for (Map.Entry<String, Double> count : snapshot(registry).entrySet()) {
            if (!count.getKey().startsWith("skipped:")) {
                total += count.getValue() - baseline.getOrDefault(count.getKey(), 0.0);
            }
        }
        return total;
    }

    /** What became of the comparisons made since {@code baseline} was taken with {@link #snapshot}. */
    static String describe(MeterRegistry registry, Map<String, Double> baseline) {
        Map<String, Double> byOutcome = new TreeMap<>();
        Map<String, Double> skipped = new TreeMap<>();
        snapshot(registry).forEach((key, count) -> {
            double since = count - baseline.getOrDefault(key, 0.0);
            if (key.startsWith("skipped:")) {
                if (since > 0) {
                    skipped.put(key.substring("skipped:".length()), since);
                }
            } else {
                byOutcome.put(key, since);
            }
        });
        double total = byOutcome.values().stream().mapToDouble(Double::doubleValue).sum();
        double made = total - byOutcome.getOrDefault("skipped", 0.0);
        return String.format(Locale.ROOT,
                "comparisons: %,.0f of %,.0f reads compared (%.2f %%); outcomes %s; skipped %s",
                made, total, total == 0 ? 0 : made / total * 100, byOutcome, skipped);
    }
}
