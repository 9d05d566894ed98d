/**
 * JMH benchmarks of dual-repo and the report that turns their JSON results into {@code docs/benchmarks.md}.
 *
 * <p>A benchmark class annotated {@link io.dualrepo.benchmarks.ResultTable} becomes one table of the report. In it,
 * the method annotated {@link io.dualrepo.benchmarks.Reference} is what the others are compared with (matched on
 * the same {@code @Param} values), and {@link io.dualrepo.benchmarks.Goal} on a method states its target. To add a
 * benchmark: write the class, annotate it, and add its name to {@code benchmarks/run}.
 *
 * <p>Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.benchmarks;

import org.jspecify.annotations.NullMarked;
