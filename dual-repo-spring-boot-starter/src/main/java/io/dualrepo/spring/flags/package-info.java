/**
 * Routes from a flag service by properties: {@code dualrepo.unleash.*} builds the Unleash route source, {@code
 * dualrepo.openfeature.*} the OpenFeature one, in place of the starter's in-memory routes.
 */
@NullMarked
package io.dualrepo.spring.flags;

import org.jspecify.annotations.NullMarked;
