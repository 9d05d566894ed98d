/**
 * The sample application: the incident-status migration end to end, as a demo that walks every stage under traffic
 * ({@link io.dualrepo.sample.Demo}) or as an HTTP service ({@code serve}); {@link io.dualrepo.sample.Main} picks
 * one. Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.sample;

import org.jspecify.annotations.NullMarked;
