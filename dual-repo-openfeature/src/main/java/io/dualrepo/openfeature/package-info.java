/**
 * Routes from feature flags read through the OpenFeature SDK, whichever provider serves them (flagd, LaunchDarkly,
 * ConfigCat, an in-memory provider...): {@link io.dualrepo.openfeature.OpenFeatureRouteSource}.
 *
 * <p>Null-safety: parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.openfeature;
