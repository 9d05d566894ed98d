package io.dualrepo.compare;

import org.jspecify.annotations.Nullable;

/**
 * A custom answer to "do the old and the new model agree?" for one read, named by {@link
 * io.dualrepo.Compare#equivalence()}. Implementations need a public no-argument constructor and must be
 * thread-safe: comparisons run concurrently.
 *
 * @param <T> the read's result type
 */
@FunctionalInterface
public interface Equivalence<T> {

    boolean equivalent(@Nullable T oldValue, @Nullable T newValue);
}
