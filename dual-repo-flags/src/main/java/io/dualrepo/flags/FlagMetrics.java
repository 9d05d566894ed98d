package io.dualrepo.flags;

import io.dualrepo.metrics.CoreMeters;

/**
 * The meter names of flag decisions. The route sources share them (and the runtime's route meters), so they are in
 * the runtime's catalogue, {@link CoreMeters}, where their types, tags and descriptions are; this module registers
 * no meter of its own.
 */
public final class FlagMetrics {

    /** {@link CoreMeters#FLAG_ERRORS}: here, the Unleash SDK threw. */
    public static final String ERRORS = CoreMeters.FLAG_ERRORS.meterName();

    /** {@link CoreMeters#FLAG_REFUSED}. */
    public static final String REFUSED = CoreMeters.FLAG_REFUSED.meterName();

    private FlagMetrics() {}
}
