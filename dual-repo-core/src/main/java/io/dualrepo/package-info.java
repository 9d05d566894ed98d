/**
 * The annotations users put on repository interfaces, and {@link io.dualrepo.DualRepo}, the runtime the
 * generated decorators call.
 */
@NullMarked
package io.dualrepo;

import org.jspecify.annotations.NullMarked;
