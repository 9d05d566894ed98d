package io.dualrepo.benchmarks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Makes a benchmark class one table of {@code docs/benchmarks.md}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ResultTable {

    /** The table's heading. */
    String title();

    /** What is measured and how, in a sentence or two of Markdown, printed under the heading. */
    String about();

    /** Tables are printed in ascending order, then by title. */
    int order() default 100;

    /**
     * When not empty, what one operation per second is called (such as {@code "rows/s"}, for a benchmark whose
     * {@code @OperationsPerInvocation} counts rows): the table then also gives each figure as that rate, and ratios
     * as fractions of the reference's rate.
     */
    String rate() default "";
}
