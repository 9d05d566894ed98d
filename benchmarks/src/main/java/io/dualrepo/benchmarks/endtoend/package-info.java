/**
 * Both models of an incidents repository over Hibernate, on H2 or PostgreSQL, for the end-to-end benchmark
 * ({@code HibernateBenchmark}): the old model keeps the status as text, the new one as a foreign key to a table of
 * statuses.
 *
 * <p>Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.benchmarks.endtoend;

import org.jspecify.annotations.NullMarked;
