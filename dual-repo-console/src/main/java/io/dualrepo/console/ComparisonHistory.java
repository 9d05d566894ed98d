package io.dualrepo.console;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.console.internal.OutcomeSeries;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the console shows of comparisons, per repository: outcome counts since start, the same counts per five
 * seconds over the last five minutes, and the latest mismatches with their differences. Register it with the
 * runtime ({@code DualRepo.builder().onComparison(history)}) and hand it to the console ({@link
 * OperatorConsole.Builder#comparisonHistory}).
 *
 * <p>It listens on the library's comparison threads, so recording is a few array writes under one lock. It keeps no
 * raw values: the differences arrive rendered and masked, and are kept as they came.
 */
public final class ComparisonHistory implements ComparisonListener {

    private final Clock clock;
    private final Map<String, OutcomeSeries> byRepository = new ConcurrentHashMap<>();

    public ComparisonHistory() {
        this(Clock.systemUTC());
    }

    public ComparisonHistory(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onComparison(ComparisonResult result) {
        byRepository.computeIfAbsent(result.repository(), name -> new OutcomeSeries(clock)).record(result);
    }

    /** A consistent copy of one repository's history, as the console's state holds it; empty before any. */
    OutcomeSeries.Snapshot snapshot(String repository) {
        OutcomeSeries series = byRepository.get(repository);
        return series == null ? new OutcomeSeries(clock).snapshot() : series.snapshot();
    }
}
