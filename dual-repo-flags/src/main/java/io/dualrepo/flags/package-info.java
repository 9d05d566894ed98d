/**
 * Routes from Unleash feature flags: {@link io.dualrepo.flags.UnleashRouteSource} and the flag naming
 * convention, {@link io.dualrepo.flags.FlagNames}. Parameters and return values are non-null unless documented
 * otherwise.
 */
package io.dualrepo.flags;
