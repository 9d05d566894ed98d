package io.dualrepo.openfeature;

import io.dualrepo.metrics.MeterDescription;
import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * The meters this module registers beside the runtime's ({@link io.dualrepo.metrics.CoreMeters}, which holds the
 * flag-decision meters every route source shares).
 */
public enum OpenFeatureMeters implements MeterDescription {

    PROVIDER_TROUBLES("dualrepo.flags.provider.troubles",
            "Error and stale events of the flag provider; routes stayed as they were", OpenFeatureMetrics.TAG_KIND);

    private final String meterName;
    private final String description;
    private final List<String> tagKeys;

    OpenFeatureMeters(String meterName, String description, String... tagKeys) {
        this.meterName = meterName;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    @Override
    public String meterName() {
        return meterName;
    }

    @Override
    public Meter.Type type() {
        return Meter.Type.COUNTER;
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
