/**
 * The annotations users put on repository interfaces, and {@link io.dualrepo.DualRepo}, the runtime the
 * generated decorators call. Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo;
