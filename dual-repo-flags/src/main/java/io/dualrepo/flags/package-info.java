/**
 * Routes from Unleash feature flags: {@link io.dualrepo.flags.UnleashRouteSource} and the flag naming
 * convention, {@link io.dualrepo.flags.FlagNames}.
 */
@NullMarked
package io.dualrepo.flags;

import org.jspecify.annotations.NullMarked;
