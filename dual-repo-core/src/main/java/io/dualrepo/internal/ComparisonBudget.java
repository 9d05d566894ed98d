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
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps background comparisons from slowing the callers' own reads by more than a set share of their p99 latency.
 * Where cores are scarce, a shadow read and its database work compete with the caller for them (on a 2-core machine
 * SHADOW raised the primary's paced p99 by 1.7×): fixed sampling cannot know that, so this measures it.
 *
 * <p>It measures against a reference: now and then a whole window in which no comparison starts (a pause), and the
 * primary's p99 in it is set against its p99 in the ordinary window just before and the one just after. Filing reads
 * by whether a comparison was in flight, as this class first did, saw no difference on PostgreSQL while the p99 was
 * 2.8× the direct read's: much of a comparison's cost is paid after it ends (the database backends' work, the
 * collector, the comparison thread's leftovers), by whichever read comes next. A window long enough for that to
 * settle, with nothing compared in it, is what the callers' reads would be without comparisons.
 *
 * <p>A pause and its two neighbours make a pair for judgement only when both neighbours agree: over budget when both
 * are above the reference by more than the budget, within it when neither is. One over and one within means the load
 * changed across the three windows (or the p99 is noise at this margin), and the share stays. Over budget, the share
 * of sampled reads that are compared halves; within, it grows back by a tenth: additive increase, multiplicative
 * decrease, as congestion control does, so it settles under the budget rather than swinging around it. The share
 * never goes below {@value #MIN_SHARE}: a disagreement must still be found, only later.
 *
 * <p>What the pauses cost: in steady state one window in {@value #WINDOWS_PER_CYCLE} compares nothing. After the
 * share was lowered the pauses come at once (one window in three) until a judgement does not lower it, since the
 * share is still being found and a pause then only takes away comparisons the budget wants fewer of anyway.
 */
final class ComparisonBudget {

    static final double MIN_SHARE = 0.01;
    static final double RAISE_STEP = 0.1;
    /**
     * Reads each of the three windows needs before their p99s say anything: the p99 is then the fifth slowest or
     * beyond. A thousand would halve the noise, but a caller paced at a read per 550 µs on a crowded 2-core machine
     * made 700 a second: most pauses would then wait for the next one, and the share would take minutes to move.
     */
    static final int MIN_READS = 500;
    /**
     * Reads each window needs for a judgement once the cycles ran out: callers slowed down a lot make few reads, and
     * that is when a judgement is most needed.
     */
    static final int FEW_READS = 100;
    /** Pauses a judgement may gather reads over, waiting for {@link #MIN_READS}, before it judges on what it has. */
    static final int MAX_CYCLES_PER_JUDGEMENT = 3;
    /** Windows from one pause to the next in steady state: the pause is one of them, with its two neighbours. */
    static final int WINDOWS_PER_CYCLE = 10;

    private static final Logger log = LoggerFactory.getLogger(ComparisonBudget.class);

    /** What the current window is for. */
    enum Phase {
        /** An ordinary window whose reads are not filed. */
        UNFILED,
        /** The ordinary window just before a pause. */
        BEFORE,
        /** The pause: no comparison starts. */
        REFERENCE,
        /** The ordinary window just after a pause. */
        AFTER
    }

    private final double addedP99Share;
    private final Duration window;
    private final LatencyWindow before = new LatencyWindow();
    private final LatencyWindow reference = new LatencyWindow();
    private final LatencyWindow after = new LatencyWindow();
    /** Reads during a pause beside a comparison admitted before it: not filed. */
    private final LongAdder leftovers = new LongAdder();
    private final Counter lowered;
    private final Counter raised;
    private volatile double share = 1;
    private volatile Phase phase = Phase.BEFORE;
    private int unfiledLeft;
    private int cyclesGathered;
    /** The last judgement lowered the share: pause again at once, until one does not. */
    private boolean hurry;

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

    /** The share of sampled reads compared outside pauses, from {@value #MIN_SHARE} to 1. */
    double share() {
        return share;
    }

    /** Whether the current window is a pause, in which no comparison starts. */
    boolean paused() {
        return phase == Phase.REFERENCE;
    }

    /** Whether a read the route's sample picked is compared. */
    boolean admits() {
        if (phase == Phase.REFERENCE) {
            return false;
        }
        double now = share;
        return now >= 1 || ThreadLocalRandom.current().nextDouble() < now;
    }

    /**
     * One primary read of a compared route took {@code nanos}; {@code comparing}: a comparison ran meanwhile. The
     * flag matters only in a pause: a comparison admitted before it may still run in its first moments, and a read
     * beside one is not a read without comparisons.
     */
    void record(long nanos, boolean comparing) {
        switch (phase) {
            case BEFORE -> before.record(nanos);
            case AFTER -> after.record(nanos);
            case REFERENCE -> {
                if (comparing) {
                    leftovers.increment();
                } else {
                    reference.record(nanos);
                }
            }
            case UNFILED -> { }
        }
    }

    /** Called at the end of every window, from one thread: moves to the next window, and judges after a pause. */
    synchronized void judge() {
        switch (phase) {
            case UNFILED -> {
                if (--unfiledLeft <= 0) {
                    phase = Phase.BEFORE;
                }
            }
            case BEFORE -> phase = Phase.REFERENCE;
            case REFERENCE -> phase = Phase.AFTER;
            case AFTER -> {
                judgePair();
                // After a lowering, pause again at once (also while gathering reads for the next judgement); else
                // only once a cycle.
                unfiledLeft = hurry ? 0 : WINDOWS_PER_CYCLE - 3;
                phase = unfiledLeft == 0 ? Phase.BEFORE : Phase.UNFILED;
            }
        }
    }

    /** Judges the reads gathered around the pauses since the last judgement, if enough. */
    private void judgePair() {
        long referenceReads = reference.count();
        long fewest = Math.min(referenceReads, Math.min(before.count(), after.count()));
        if (fewest < MIN_READS && ++cyclesGathered < MAX_CYCLES_PER_JUDGEMENT) {
            // An idle runtime (or one whose compared routes are not read) has nothing to say.
            if (before.count() + referenceReads + leftovers.sum() + after.count() > 0) {
                log.debug("comparisons: too few reads around pause {} of {} to judge yet: {} before, {} during ({}"
                        + " more beside comparisons started before it), {} after", cyclesGathered,
                        MAX_CYCLES_PER_JUDGEMENT, before.count(), referenceReads, leftovers.sum(), after.count());
            }
            return;
        }
        cyclesGathered = 0;
        boolean lowered = false;
        if (fewest >= FEW_READS) {
            long referenceP99 = reference.percentile(0.99);
            long beforeP99 = before.percentile(0.99);
            long afterP99 = after.percentile(0.99);
            double limit = referenceP99 * (1 + addedP99Share);
            String measured = String.format(Locale.ROOT, "the primary's p99 was %s before and %s after a pause of"
                    + " comparisons, %s during it", micros(beforeP99), micros(afterP99), micros(referenceP99));
            if (beforeP99 > limit && afterP99 > limit) {
                lowered = lower(measured);
            } else if (beforeP99 <= limit && afterP99 <= limit) {
                raise(measured);
            } else {
                // One side over and one within: the load moved across the pause, or this margin is noise.
                log.debug("comparisons: share of sampled reads compared stays {}: {}, over budget on one side only"
                        + " (budget +{})", percent(share), measured, percent(addedP99Share));
            }
        } else if (leftovers.sum() >= FEW_READS && before.count() >= FEW_READS && after.count() >= FEW_READS) {
            // Comparisons admitted before the pause ran through nearly all of it: they are queued far behind.
            lowered = lower(String.format(Locale.ROOT, "comparisons started before a pause were still running"
                    + " during %d of its %d reads", leftovers.sum(), leftovers.sum() + referenceReads));
        }
        // Else too little traffic to tell: the share stays.
        before.clear();
        reference.clear();
        after.clear();
        leftovers.reset();
        hurry = lowered;
    }

    private boolean lower(String why) {
        double was = share;
        double now = Math.max(MIN_SHARE, was / 2);
        if (now >= was) {
            log.debug("comparisons: share of sampled reads compared stays at its floor {}: {} (budget +{})",
                    percent(was), why, percent(addedP99Share));
            return false;
        }
        share = now;
        lowered.increment();
        log.info("comparisons: share of sampled reads compared lowered from {} to {}: {} (budget +{})",
                percent(was), percent(now), why, percent(addedP99Share));
        return true;
    }

    private void raise(String why) {
        double was = share;
        double now = Math.min(1, was + RAISE_STEP);
        if (now <= was) {
            log.debug("comparisons: all sampled reads stay compared: {} (budget +{})", why, percent(addedP99Share));
        } else {
            share = now;
            raised.increment();
            log.info("comparisons: share of sampled reads compared raised from {} to {}: {} (budget +{})",
                    percent(was), percent(now), why, percent(addedP99Share));
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos) + " µs";
    }
}
