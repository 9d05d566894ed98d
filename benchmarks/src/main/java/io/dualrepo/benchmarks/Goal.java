package io.dualrepo.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The target a benchmark method must meet against its class's {@link Reference}, judged by the report on the
 * figures of one run. Repeat it with different {@link #when()} to give parameter values targets of their own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Goal.List.class)
public @interface Goal {

    Kind kind();

    /** The factor, the time in the benchmark's unit, or the percentage, as {@link #kind()} says. */
    double value();

    /**
     * Which results this goal applies to: {@code ""} for all, else {@code name=value} pairs of {@code @Param}s
     * separated by commas, all of which must match.
     */
    String when() default "";

    /**
     * The percentile of JMH's sample mode that is judged, such as {@code 99} for p99 (both the figure's and the
     * reference's); {@link #MEAN}, the default, judges the score.
     */
    double percentile() default MEAN;

    /** {@link #percentile()}'s default: the score, JMH's mean. */
    double MEAN = -1;

    /** How targets compare a figure with its reference; figures are times per operation (lower is better). */
    enum Kind {
        /** The reference takes at least {@code value} times as long: {@code reference / figure >= value}. */
        CHEAPER_BY,
        /** The figure exceeds the reference by at most {@code value} in the figure's unit. */
        OVERHEAD_AT_MOST,
        /** The figure is at most {@code value} percent above the reference. */
        WITHIN_PERCENT,
        /**
         * The figure's rate (operations per unit of time, its inverse) is at least {@code value} times the
         * reference's: {@code reference / figure >= value}, for a value below 1 such as 0.5, "at least half the
         * reference's rate".
         */
        RATE_AT_LEAST
    }

    /** The container of repeated {@link Goal}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        Goal[] value();
    }
}
