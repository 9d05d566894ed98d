package io.dualrepo.openfeature;

import io.dualrepo.metrics.CoreMeters;

/**
 * The meters of the OpenFeature module, beside the runtime's ({@link io.dualrepo.metrics.DualRepoMetrics}; route
 * changes are counted there, in {@code dualrepo.route.changes}). The first two are the Unleash source's too, so
 * that dashboards and alerts do not depend on which flag service routes.
 */
public final class OpenFeatureMetrics {

    /**
     * Counter: flag decisions that failed because the provider failed (an evaluation reported an error such as
     * {@code GENERAL}, {@code PROVIDER_NOT_READY} or {@code PROVIDER_FATAL}); the key kept its last route. Tags:
     * repository.
     */
    public static final String ERRORS = CoreMeters.FLAG_ERRORS.meterName();

    /**
     * Counter: flag values that named no stage, were of the wrong type, held a comparison share outside 0..1, or
     * made a route the runtime refuses; the last valid route stayed. Tags: repository.
     */
    public static final String REFUSED = CoreMeters.FLAG_REFUSED.meterName();

    /** Counter: error and stale events of the provider; routes stayed as they were. Tags: {@value #TAG_KIND}. */
    public static final String PROVIDER_TROUBLES = OpenFeatureMeters.PROVIDER_TROUBLES.meterName();

    /** Tag of {@link #PROVIDER_TROUBLES}: {@code error} or {@code stale}. */
    public static final String TAG_KIND = "kind";

    private OpenFeatureMetrics() {}
}
