package io.dualrepo.metrics;

import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * One meter of a module's catalogue, in the manner of Micrometer's {@code MeterDocumentation}: each module lists
 * every meter it registers in one enum ({@link CoreMeters}, and one in each integration module), which is where the
 * name, type, unit, tags and description are written; the code registers from it and a test keeps the metrics table
 * in docs/guide.md equal to it.
 */
public interface MeterDescription {

    /** The meter's name, dot-separated (Prometheus shows {@code dualrepo.calls} as {@code dualrepo_calls_total}). */
    String meterName();

    /** Counter, timer, gauge...; a function counter is a {@link Meter.Type#COUNTER}. */
    Meter.Type type();

    /** Its base unit ("rows", "seconds"), or empty for a plain count. */
    String baseUnit();

    /** The keys of its tags, in the order the docs list them; each tag value is bounded (never an argument). */
    List<String> tagKeys();

    /** One sentence: what is counted or measured. */
    String description();
}
