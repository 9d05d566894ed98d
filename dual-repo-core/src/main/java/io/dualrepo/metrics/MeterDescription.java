package io.dualrepo.metrics;

import io.micrometer.core.instrument.Meter;
import java.util.List;
import java.util.Objects;

/**
 * One meter of a module's catalogue, in the manner of Micrometer's {@code MeterDocumentation}: each module lists
 * every meter it registers in one enum ({@link CoreMeters}, and one in each integration module), which is where the
 * name, type, unit, tags and description are written; the code registers from it and a test keeps the metrics table
 * in docs/guide.md equal to it.
 */
public interface MeterDescription {

    /** The meter, as written in its catalogue. */
    Definition definition();

    /** The meter's name, dot-separated (Prometheus shows {@code dualrepo.calls} as {@code dualrepo_calls_total}). */
    default String meterName() {
        return definition().name();
    }

    /** Counter, timer, gauge...; a function counter is a {@link Meter.Type#COUNTER}, a time gauge a gauge. */
    default Meter.Type type() {
        return definition().type();
    }

    /** Its base unit ("rows", "seconds"), or empty for a plain count. */
    default String baseUnit() {
        return definition().baseUnit();
    }

    /** The keys of its tags, in the order the docs list them; each tag value is bounded (never an argument). */
    default List<String> tagKeys() {
        return definition().tagKeys();
    }

    /** One sentence: what is counted or measured. */
    default String description() {
        return definition().description();
    }

    /** What a catalogue entry holds. */
    record Definition(String name, Meter.Type type, String baseUnit, List<String> tagKeys, String description) {

        public Definition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(baseUnit, "baseUnit");
            tagKeys = List.copyOf(tagKeys);
            Objects.requireNonNull(description, "description");
        }

        public static Definition counter(String name, String description, String... tagKeys) {
            return new Definition(name, Meter.Type.COUNTER, "", List.of(tagKeys), description);
        }

        public static Definition timer(String name, String description, String... tagKeys) {
            return new Definition(name, Meter.Type.TIMER, "", List.of(tagKeys), description);
        }

        /** A gauge; with the unit "seconds", registered as a time gauge. */
        public static Definition gauge(String name, String baseUnit, String description, String... tagKeys) {
            return new Definition(name, Meter.Type.GAUGE, baseUnit, List.of(tagKeys), description);
        }
    }
}
