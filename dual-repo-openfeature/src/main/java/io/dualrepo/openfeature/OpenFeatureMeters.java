package io.dualrepo.openfeature;

import static io.dualrepo.metrics.MeterDescription.Definition.counter;

import io.dualrepo.metrics.MeterDescription;

/**
 * The meters this module registers beside the runtime's ({@link io.dualrepo.metrics.CoreMeters}, which holds the
 * flag-decision meters every route source shares).
 */
public enum OpenFeatureMeters implements MeterDescription {

    PROVIDER_TROUBLES(counter("dualrepo.flags.provider.troubles",
            "Error and stale events of the flag provider; routes stayed as they were",
            OpenFeatureMetrics.TAG_KIND));

    private final Definition definition;

    OpenFeatureMeters(Definition definition) {
        this.definition = definition;
    }

    @Override
    public Definition definition() {
        return definition;
    }
}
