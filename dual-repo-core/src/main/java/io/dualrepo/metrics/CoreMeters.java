package io.dualrepo.metrics;

import static io.dualrepo.metrics.DualRepoMetrics.TAG_METHOD;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_OUTCOME;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_REASON;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_REPOSITORY;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_SIDE;

import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * Every meter the runtime registers ({@code dual-repo-core}), shared by the route sources: the decorated calls,
 * comparisons, read-through, routes and flag decisions. See {@link DualRepoMetrics} for the tag values.
 */
public enum CoreMeters implements MeterDescription {

    CALLS("dualrepo.calls", Meter.Type.COUNTER, "Calls to each model, every one counted",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE, TAG_OUTCOME),
    CALL_LATENCY("dualrepo.call.latency", Meter.Type.TIMER,
            "Latency of a sample of the calls to each model: one in 16 on callers' threads, every shadow read",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE, TAG_OUTCOME),
    COMPARISONS("dualrepo.comparisons", Meter.Type.COUNTER, "Comparisons of the two models' reads, by outcome",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME),
    COMPARISONS_SKIPPED("dualrepo.comparisons.skipped", Meter.Type.COUNTER, "Comparisons not made, by reason",
            TAG_REPOSITORY, TAG_METHOD, TAG_REASON),
    MISMATCH_RECHECKS("dualrepo.mismatch.rechecks", Meter.Type.COUNTER,
            "Background mismatches read again: resolved (a write came in between) or confirmed",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME),
    MISMATCH_LOGS_SUPPRESSED("dualrepo.mismatch.logs.suppressed", Meter.Type.COUNTER,
            "Mismatches not logged because of the log bound; still counted", TAG_REPOSITORY, TAG_METHOD),
    SECONDARY_WRITE_FAILURES("dualrepo.secondary.write.failures", Meter.Type.COUNTER,
            "Writes the primary model took and this model did not", TAG_REPOSITORY, TAG_METHOD, TAG_SIDE),
    READ_THROUGH_FALLBACKS("dualrepo.readthrough.fallbacks", Meter.Type.COUNTER,
            "Read-through reads the new model had nothing for, answered by the old model", TAG_REPOSITORY,
            TAG_METHOD),
    READ_THROUGH_COPIES("dualrepo.readthrough.copies", Meter.Type.COUNTER,
            "Migrate-on-read copies into the new model, by outcome", TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME),
    READ_THROUGH_STITCHES("dualrepo.readthrough.stitches", Meter.Type.COUNTER,
            "Stitched read-through reads: NEW's elements plus OLD's, or OLD's alone when an element had no identity"
                    + " or marker",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME),
    READ_THROUGH_STITCHED_ELEMENTS("dualrepo.readthrough.stitched.elements", Meter.Type.COUNTER,
            "Elements of stitched read-through answers, by the model each came from", TAG_REPOSITORY, TAG_METHOD,
            TAG_SIDE),
    ROUTE_CHANGES("dualrepo.route.changes", Meter.Type.COUNTER, "Routes that took effect, replacing a different one",
            TAG_REPOSITORY),
    ROUTE_REFUSED("dualrepo.route.refused", Meter.Type.COUNTER,
            "Routes refused, as invalid or by the migration record's rules; the last route stayed", TAG_REPOSITORY),
    ROUTE_SOURCE_ERRORS("dualrepo.route.source.errors", Meter.Type.COUNTER,
            "Route source calls that threw; the last valid route was used", TAG_REPOSITORY),
    HOOK_ERRORS("dualrepo.hook.errors", Meter.Type.COUNTER, "Comparison listeners and failed-write sinks that threw",
            TAG_REPOSITORY, TAG_METHOD),
    FLAG_ERRORS("dualrepo.flags.errors", Meter.Type.COUNTER,
            "Flag decisions that failed because the flag service failed; the key kept its last route",
            TAG_REPOSITORY),
    FLAG_REFUSED("dualrepo.flags.refused", Meter.Type.COUNTER,
            "Flag values naming no stage or making a refused route; the last valid route stayed", TAG_REPOSITORY);

    private final String meterName;
    private final Meter.Type type;
    private final String description;
    private final List<String> tagKeys;

    CoreMeters(String meterName, Meter.Type type, String description, String... tagKeys) {
        this.meterName = meterName;
        this.type = type;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    @Override
    public String meterName() {
        return meterName;
    }

    @Override
    public Meter.Type type() {
        return type;
    }

    @Override
    public String baseUnit() {
        return "";
    }

    @Override
    public List<String> tagKeys() {
        return tagKeys;
    }

    @Override
    public String description() {
        return description;
    }
}
