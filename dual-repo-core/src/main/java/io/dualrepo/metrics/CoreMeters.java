package io.dualrepo.metrics;

import static io.dualrepo.metrics.DualRepoMetrics.TAG_DIRECTION;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_METHOD;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_OUTCOME;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_REASON;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_REPOSITORY;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_SIDE;
import static io.dualrepo.metrics.DualRepoMetrics.TAG_STATE;
import static io.dualrepo.metrics.MeterDescription.Definition.counter;
import static io.dualrepo.metrics.MeterDescription.Definition.gauge;
import static io.dualrepo.metrics.MeterDescription.Definition.timer;

/**
 * Every meter the runtime registers ({@code dual-repo-core}), shared by the route sources: the decorated calls,
 * comparisons, read-through, routes and flag decisions. See {@link DualRepoMetrics} for the tag values.
 */
public enum CoreMeters implements MeterDescription {

    CALLS(counter("dualrepo.calls",
            "Calls to each model, every one counted",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE, TAG_OUTCOME)),
    CALL_LATENCY(timer("dualrepo.call.latency",
            "Latency of a sample of the calls to each model: one in 16 on callers' threads, every shadow read",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE, TAG_OUTCOME)),
    COMPARISONS(counter("dualrepo.comparisons",
            "Comparisons of the two models' reads, by outcome",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME)),
    COMPARISONS_SKIPPED(counter("dualrepo.comparisons.skipped",
            "Comparisons not made, by reason",
            TAG_REPOSITORY, TAG_METHOD, TAG_REASON)),
    COMPARISON_SHARE(gauge("dualrepo.comparison.share", "",
            "The comparison budget's share of sampled reads that are compared, 0.01 to 1 (registered only with a"
                    + " budget)")),
    COMPARISON_SHARE_CHANGES(counter("dualrepo.comparison.share.changes",
            "Changes of the comparison budget's share: down when the primary's p99 beside a pause of comparisons"
                    + " was over the budget against the pause's, up when there was room",
            TAG_DIRECTION)),
    MISMATCH_RECHECKS(counter("dualrepo.mismatch.rechecks",
            "Background mismatches read again: resolved (a write came in between) or confirmed",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME)),
    MISMATCH_LOGS_SUPPRESSED(counter("dualrepo.mismatch.logs.suppressed",
            "Mismatches not logged because of the log bound; still counted",
            TAG_REPOSITORY, TAG_METHOD)),
    SECONDARY_WRITE_FAILURES(counter("dualrepo.secondary.write.failures",
            "Writes the primary model took and this model did not",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE)),
    READ_THROUGH_FALLBACKS(counter("dualrepo.readthrough.fallbacks",
            "Read-through reads the new model had nothing for, answered by the old model",
            TAG_REPOSITORY, TAG_METHOD)),
    READ_THROUGH_COPIES(counter("dualrepo.readthrough.copies",
            "Migrate-on-read copies into the new model, by outcome",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME)),
    READ_THROUGH_STITCHES(counter("dualrepo.readthrough.stitches",
            "Stitched read-through reads: NEW's elements plus OLD's, or OLD's alone when an element had no identity"
                    + " or marker",
            TAG_REPOSITORY, TAG_METHOD, TAG_OUTCOME)),
    READ_THROUGH_STITCHED_ELEMENTS(counter("dualrepo.readthrough.stitched.elements",
            "Elements of stitched read-through answers, by the model each came from",
            TAG_REPOSITORY, TAG_METHOD, TAG_SIDE)),
    ROUTE_CHANGES(counter("dualrepo.route.changes",
            "Routes that took effect, replacing a different one",
            TAG_REPOSITORY)),
    ROUTE_REFUSED(counter("dualrepo.route.refused",
            "Routes refused, as invalid or by the migration record's rules; the last route stayed",
            TAG_REPOSITORY)),
    ROUTE_SOURCE_ERRORS(counter("dualrepo.route.source.errors",
            "Route source calls that threw; the last valid route was used",
            TAG_REPOSITORY)),
    HOOK_ERRORS(counter("dualrepo.hook.errors",
            "Comparison listeners and failed-write sinks that threw",
            TAG_REPOSITORY, TAG_METHOD)),
    CIRCUIT_STATE(gauge("dualrepo.circuit.state", "",
            "A repository's shadow-read circuit breaker: 1 for the state it is in, 0 for the others",
            TAG_REPOSITORY, TAG_STATE)),
    FLAG_ERRORS(counter("dualrepo.flags.errors",
            "Flag decisions that failed because the flag service failed; the key kept its last route",
            TAG_REPOSITORY)),
    FLAG_REFUSED(counter("dualrepo.flags.refused",
            "Flag values naming no stage or making a refused route; the last valid route stayed",
            TAG_REPOSITORY));

    private final Definition definition;

    CoreMeters(Definition definition) {
        this.definition = definition;
    }

    @Override
    public Definition definition() {
        return definition;
    }
}
