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
}
