package io.dualrepo.spring.actuate;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@code dualrepo} endpoint shows of comparisons, per repository: outcome counts since the application
 * started and the latest mismatches with their differences. It listens on the library's comparison threads, keeps a
 * few mismatches per repository, and no raw values: the differences arrive rendered and masked.
 */
public final class RecentComparisons implements ComparisonListener {

    /** How many mismatches each repository keeps, newest first. */
    public static final int MISMATCHES_KEPT = 10;

    private final Clock clock;
    private final Map<String, PerRepository> byRepository = new ConcurrentHashMap<>();

    public RecentComparisons() {
        this(Clock.systemUTC());
    }

    public RecentComparisons(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onComparison(ComparisonResult result) {
        byRepository.computeIfAbsent(result.repository(), name -> new PerRepository()).record(result, clock.instant());
    }

    /** One repository's comparisons so far; counts of zero and no mismatches before its first. */
    public ComparisonsDescriptor of(String repository) {
        PerRepository comparisons = byRepository.get(repository);
        return comparisons == null ? new ComparisonsDescriptor(Map.of(), List.of()) : comparisons.snapshot();
    }

    /**
     * @param outcomes how many comparisons ended each way, by outcome name, since the application started
     * @param latestMismatches the newest mismatches, newest first, at most {@value #MISMATCHES_KEPT}
     */
    public record ComparisonsDescriptor(Map<String, Long> outcomes, List<MismatchDescriptor> latestMismatches) {
    }

    /**
     * @param at when the comparison ended, ISO-8601
     * @param method the repository method, with parameter types when its name is overloaded
     * @param primary the model whose answer the caller got
     * @param differences each as {@code path: old=... new=...}, rendered and masked as the library logs them
     */
    public record MismatchDescriptor(String at, String method, String primary, List<String> differences) {
    }

    private static final class PerRepository {
        private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        private final Deque<MismatchDescriptor> mismatches = new ArrayDeque<>();

        synchronized void record(ComparisonResult result, Instant at) {
            outcomes.merge(result.outcome(), 1L, Long::sum);
            if (result.outcome() == Outcome.MISMATCH) {
                if (mismatches.size() == MISMATCHES_KEPT) {
                    mismatches.removeLast();
                }
                mismatches.addFirst(new MismatchDescriptor(at.toString(), result.method(), result.primary().name(),
                        result.differences().stream().map(Difference::toString).toList()));
            }
        }

        synchronized ComparisonsDescriptor snapshot() {
            Map<String, Long> counts = new LinkedHashMap<>();
            outcomes.forEach((outcome, count) -> counts.put(outcome.name(), count));
            return new ComparisonsDescriptor(Collections.unmodifiableMap(counts),
                    List.copyOf(new ArrayList<>(mismatches)));
        }
    }
}
