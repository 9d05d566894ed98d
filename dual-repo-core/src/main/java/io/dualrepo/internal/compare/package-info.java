/**
 * Structural comparison of the two models' read results and the rendering of their differences. Internal: not
 * an API, may change in any release.
 *
 * <p>A compared value may be null anywhere: a parameter, field or return that can carry a null one says so with
 * {@code @Nullable}. The elements of compared collections, arrays and maps may be null too, though their wildcard
 * types ({@code List<?>}) do not say so.
 */
@NullMarked
package io.dualrepo.internal.compare;

import org.jspecify.annotations.NullMarked;
