package io.dualrepo.internal;

import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps background comparisons from slowing the callers' own reads by more than a set share of their p99 latency.
 * Where cores are scarce, a shadow read and its database work compete with the caller for them (on a 2-core machine
 * SHADOW raised the primary's paced p99 by 1.7×): fixed sampling cannot know that, so this measures it. Each primary
 * read of a compared route (with a budget, every one is timed) is filed by whether a comparison was running or
 * queued while it ran; once both files hold enough reads, their p99s are compared. Over budget in two judgements in
 * a row (one may be chance), the share of sampled reads that are compared halves; within budget, it grows back by a
 * tenth — additive increase, multiplicative decrease, as congestion control does, so it settles under the budget
 * rather than swinging around it.
 *
 * <p>When comparisons ran during nearly every read, there is nothing quiet to measure against; that is itself a sign
 * they take a large share of the machine, so the share is lowered then too, which makes quiet reads to measure.
 * When they ran during almost none, they cannot have cost much, and the share is raised. The share never goes below
 * {@value #MIN_SHARE}: a disagreement must still be found, only later.
 */
final class ComparisonBudget {

    static final double MIN_SHARE = 0.01;
    static final double RAISE_STEP = 0.1;
    /** Reads each file needs before their p99s say anything: the p99 is then the tenth slowest or beyond. */
    static final int MIN_READS = 1000;
    /**
     * Reads each file needs for a judgement once the windows ran out: callers slowed down a lot make few reads, and
     * that is when a judgement is most needed.
     */
    static final int FEW_READS = 100;
    /** Windows a judgement may wait for {@link #MIN_READS} of each kind before it judges on what it has. */
    static final int MAX_WINDOWS_PER_JUDGEMENT = 10;

    private static final Logger log = LoggerFactory.getLogger(ComparisonBudget.class);

    private final double addedP99Share;
    private final Duration window;
    private final LatencyWindow quiet = new LatencyWindow();
    private final LatencyWindow busy = new LatencyWindow();
    private final Counter lowered;
    private final Counter raised;
    private volatile double share = 1;
    private int windowsWaited;
    private boolean overBudgetBefore;

    ComparisonBudget(double addedP99Share, Duration window, MeterRegistry registry) {
        this.addedP99Share = addedP99Share;
        this.window = window;
        Gauge.builder(CoreMeters.COMPARISON_SHARE.meterName(), this, ComparisonBudget::share)
                .description(CoreMeters.COMPARISON_SHARE.description())
                .register(registry);
        this.lowered = Counter.builder(CoreMeters.COMPARISON_SHARE_CHANGES.meterName())
                .description(CoreMeters.COMPARISON_SHARE_CHANGES.description())
                .tag(DualRepoMetrics.TAG_DIRECTION, "down")
                .register(registry);
        this.raised = Counter.builder(CoreMeters.COMPARISON_SHARE_CHANGES.meterName())
                .description(CoreMeters.COMPARISON_SHARE_CHANGES.description())
                .tag(DualRepoMetrics.TAG_DIRECTION, "up")
                .register(registry);
    }

    Duration window() {
        return window;
    }

    /** The share of sampled reads compared now, from {@value #MIN_SHARE} to 1. */
    double share() {
        return share;
    }

    /** Whether a read the route's sample picked is compared. */
    boolean admits() {
        double now = share;
        return now >= 1 || ThreadLocalRandom.current().nextDouble() < now;
    }

    /** One primary read of a compared route took {@code nanos}; {@code comparing}: a comparison ran meanwhile. */
    void record(long nanos, boolean comparing) {
        (comparing ? busy : quiet).record(nanos);
    }

    /** Called once per window, from one thread: judges the reads filed since the last judgement, if enough. */
    synchronized void judge() {
        long quietReads = quiet.count();
        long busyReads = busy.count();
        boolean enough = quietReads >= MIN_READS && busyReads >= MIN_READS;
        if (!enough && ++windowsWaited < MAX_WINDOWS_PER_JUDGEMENT) {
            return;
        }
        windowsWaited = 0;
        if (quietReads >= FEW_READS && busyReads >= FEW_READS) {
            long quietP99 = quiet.percentile(0.99);
            long busyP99 = busy.percentile(0.99);
            String measured = String.format(Locale.ROOT, "the primary's p99 was %s with comparisons running against"
                    + " %s without", micros(busyP99), micros(quietP99));
            if (busyP99 > quietP99 * (1 + addedP99Share)) {
                // A p99 of a window's reads is noisy: one window over budget may be chance, two in a row are not.
                if (overBudgetBefore) {
                    lower(measured);
                }
                overBudgetBefore = true;
            } else {
                overBudgetBefore = false;
                raise(measured);
            }
        } else if (busyReads >= FEW_READS) {
            overBudgetBefore = false;
            lower(String.format(Locale.ROOT, "comparisons ran during %d of %d reads, leaving too few to measure"
                    + " against", busyReads, busyReads + quietReads));
        } else if (quietReads >= FEW_READS) {
            // So few comparisons ran that they cannot have cost much; comparing more is how to find out.
            overBudgetBefore = false;
            raise(String.format(Locale.ROOT, "comparisons ran during only %d of %d reads", busyReads,
                    busyReads + quietReads));
        }
        // Else too little traffic to tell: the share stays.
        quiet.clear();
        busy.clear();
    }

    private void lower(String why) {
        double before = share;
        double after = Math.max(MIN_SHARE, before / 2);
        if (after < before) {
            share = after;
            lowered.increment();
            log.info("comparisons: share of sampled reads compared lowered from {} to {}: {} (budget +{})",
                    percent(before), percent(after), why, percent(addedP99Share));
        }
    }

    private void raise(String why) {
        double before = share;
        double after = Math.min(1, before + RAISE_STEP);
        if (after > before) {
            share = after;
            raised.increment();
            log.info("comparisons: share of sampled reads compared raised from {} to {}: {} (budget +{})",
                    percent(before), percent(after), why, percent(addedP99Share));
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos) + " µs";
    }
}
