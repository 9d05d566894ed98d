/**
 * Structural comparison of the two models' read results and the rendering of their differences. Internal: not
 * an API, may change in any release.
 *
 * <p>Null-safety: parameters and return values are non-null, except the compared and rendered values
 * themselves, which may be null anywhere.
 */
package io.dualrepo.internal.compare;
