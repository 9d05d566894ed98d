/**
 * Routes from feature flags, whatever service holds them: the per-key decisions, their cache, the fallback to the
 * last valid route and the meters, shared by the Unleash ({@code dual-repo-flags}) and the OpenFeature
 * ({@code dual-repo-openfeature}) route sources. Public because two modules use it and neither depends on the
 * other; a route source reads its service's flags through a {@link io.dualrepo.spi.flags.FlagReader} and asks
 * {@link io.dualrepo.spi.flags.FlagRoutes} for each key's route. Not meant for application code; compatible within
 * a minor version.
 */
@NullMarked
package io.dualrepo.spi.flags;

import org.jspecify.annotations.NullMarked;
