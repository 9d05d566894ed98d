/**
 * Routes from feature flags read through the OpenFeature SDK, whichever provider serves them (flagd, LaunchDarkly,
 * ConfigCat, an in-memory provider...): {@link io.dualrepo.openfeature.OpenFeatureRouteSource}.
 */
@NullMarked
package io.dualrepo.openfeature;

import org.jspecify.annotations.NullMarked;
