package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.internal.Printable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one verification found: exact counts of each kind of discrepancy, a few sample keys of each (in key order)
 * with the differences of the differing ones, and, when it repaired, how that went. A key a model rejected (recorded
 * in the quarantine) counts as quarantined, whether it is missing or differs. Discrepancies are counted after
 * their re-check: a key that agreed when read again (a dual write was landing while the scan passed) counts as
 * {@linkplain #resolvedOnRecheck() resolved}, not as a discrepancy.
 *
 * <p>A pass that stopped before its end (its thread interrupted) is {@linkplain #isComplete() incomplete}: its counts
 * are those of the segments verified so far, and it is never clean; the next run resumes it.
 *
 * @param <K> the migration's key
 */
public final class VerificationResult<K> {

    private final String repository;
    private final long oldRowsScanned;
    private final long newRowsScanned;
    private final long missingInNew;
    private final long missingInOld;
    private final long differing;
    private final long quarantined;
    private final long resolvedOnRecheck;
    private final List<K> missingInNewSample;
    private final List<K> missingInOldSample;
    private final Map<K, List<Difference>> differingSample;
    private final List<K> quarantinedSample;
    private final @Nullable Side repairSource;
    private final long repaired;
    private final long repairFailures;
    private final Map<K, String> repairFailureSample;
    private final Duration took;
    private final boolean complete;

    VerificationResult(Tally<K> tally, @Nullable Side repairSource, Duration took) {
        this(tally, repairSource, took, true);
    }

    VerificationResult(Tally<K> tally, @Nullable Side repairSource, Duration took, boolean complete) {
        this.complete = complete;
        this.repository = tally.repository;
        this.oldRowsScanned = tally.oldRows;
        this.newRowsScanned = tally.newRows;
        this.missingInNew = tally.missingInNew;
        this.missingInOld = tally.missingInOld;
        this.differing = tally.differing;
        this.quarantined = tally.quarantined;
        this.resolvedOnRecheck = tally.resolved;
        this.missingInNewSample = List.copyOf(tally.missingInNewSample);
        this.missingInOldSample = List.copyOf(tally.missingInOldSample);
        this.differingSample = Collections.unmodifiableMap(new LinkedHashMap<>(tally.differingSample));
        this.quarantinedSample = List.copyOf(tally.quarantinedSample);
        this.repairSource = repairSource;
        this.repaired = tally.repaired;
        this.repairFailures = tally.repairFailures;
        this.repairFailureSample = Collections.unmodifiableMap(new LinkedHashMap<>(tally.repairFailureSample));
        this.took = took;
    }

    /** The migration's name. */
    public String repository() {
        return repository;
    }

    /** Whether the pass is complete and found no discrepancy (before any repair). */
    public boolean isClean() {
        return complete && discrepancies() == 0;
    }

    /** Whether the pass covered every key; false when it stopped early, to be resumed by the next run. */
    public boolean isComplete() {
        return complete;
    }

    /** Keys missing in NEW, missing in OLD, differing and quarantined, together. */
    public long discrepancies() {
        return missingInNew + missingInOld + differing + quarantined;
    }

    public long oldRowsScanned() {
        return oldRowsScanned;
    }

    public long newRowsScanned() {
        return newRowsScanned;
    }

    /** Keys OLD holds a value for and NEW does not (in the same-table layout: NEW's columns are null). */
    public long missingInNew() {
        return missingInNew;
    }

    /** Keys NEW holds a value for and OLD does not. */
    public long missingInOld() {
        return missingInOld;
    }

    /** Keys both hold, with values that are not equivalent. */
    public long differing() {
        return differing;
    }

    /**
     * Keys the models disagree on that a model rejected: they are in the quarantine table (the backfill or the
     * repair could not write them), so they are not counted as missing or differing. They are not migrated either:
     * a verification with any is not clean.
     */
    public long quarantined() {
        return quarantined;
    }

    /** Keys that disagreed during the scan and agreed when read again. */
    public long resolvedOnRecheck() {
        return resolvedOnRecheck;
    }

    /** The first keys missing in NEW, ascending, up to the verifier's sample size. */
    public List<K> missingInNewSample() {
        return missingInNewSample;
    }

    /** The first keys missing in OLD, ascending, up to the verifier's sample size. */
    public List<K> missingInOldSample() {
        return missingInOldSample;
    }

    /** The first differing keys, ascending, with where their values differ (sensitive fields masked). */
    public Map<K, List<Difference>> differingSample() {
        return differingSample;
    }

    /** The first quarantined keys the models disagree on, in the order they were settled (key order, page by page). */
    public List<K> quarantinedSample() {
        return quarantinedSample;
    }

    /** The model repaired from, when this was {@link Verifier#verifyAndRepair()}. */
    public Optional<Side> repairSource() {
        return Optional.ofNullable(repairSource);
    }

    /** Discrepancies the repair synced. */
    public long repaired() {
        return repaired;
    }

    /** Discrepancies whose repair threw; the models still disagree there. */
    public long repairFailures() {
        return repairFailures;
    }

    /**
     * The first keys whose repair threw, each with the classes (and SQLStates) of what it threw. Their messages are
     * withheld: a database's message quotes the values it refused, which may be sensitive, and the summary is logged.
     */
    public Map<K, String> repairFailureSample() {
        return repairFailureSample;
    }

    public Duration took() {
        return took;
    }

    /** A few lines for a person: the verdict, the counts, the sample keys and diffs, the repair. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(repository).append(": ").append(!complete ? "INCOMPLETE (stopped; the next run resumes), "
                        + discrepancies() + " discrepanc" + (discrepancies() == 1 ? "y" : "ies") + " so far"
                        : isClean() ? "clean" : "NOT clean, " + discrepancies()
                        + " discrepanc" + (discrepancies() == 1 ? "y" : "ies"))
                .append(" (scanned ").append(oldRowsScanned).append(" OLD and ").append(newRowsScanned)
                .append(" NEW rows in ").append(took.toMillis()).append(" ms)");
        line(text, "missing in NEW", missingInNew, missingInNewSample);
        line(text, "missing in OLD", missingInOld, missingInOldSample);
        line(text, "differing", differing, new ArrayList<>(differingSample.keySet()));
        line(text, "quarantined (a model rejected them: see dualrepo_quarantine)", quarantined, quarantinedSample);
        differingSample.forEach((key, differences) -> {
            for (Difference difference : differences) {
                text.append("\n    ").append(render(key)).append(' ').append(difference);
            }
        });
        if (resolvedOnRecheck > 0) {
            text.append("\n  agreed when read again (writes in flight): ").append(resolvedOnRecheck);
        }
        if (repairSource != null) {
            text.append("\n  repaired from ").append(repairSource).append(": ").append(repaired).append(", failed: ")
                    .append(repairFailures);
            repairFailureSample.forEach((key, error) -> text.append("\n    ").append(render(key)).append(": ")
                    .append(render(error)));
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String what, long count, List<?> sample) {
        if (count == 0) {
            return;
        }
        text.append("\n  ").append(what).append(": ").append(count);
        if (!sample.isEmpty()) {
            text.append(" (");
            for (int i = 0; i < sample.size(); i++) {
                text.append(i > 0 ? ", " : "").append(render(sample.get(i)));
            }
            text.append(sample.size() < count ? ", …)" : ")");
        }
    }

    // Keys and errors come from the data: a line break in one must not forge a line of the summary or the log.
    static String render(Object value) {
        return Printable.of(value);
    }

    @Override
    public String toString() {
        return summary();
    }
}
