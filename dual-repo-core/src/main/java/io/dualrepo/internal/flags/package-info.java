/**
 * Routes from feature flags, whatever service holds them: the per-key decisions, their cache, the fallback to the
 * last valid route and the meters, shared by the Unleash and the OpenFeature route sources. Each source reads its
 * flags through a {@link io.dualrepo.internal.flags.FlagReader}. Internal: not an API, may change in any release.
 *
 * <p>Null-safety: parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.internal.flags;
