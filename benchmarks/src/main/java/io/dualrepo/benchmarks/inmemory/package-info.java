/**
 * An in-memory repository and its two models, for the benchmarks that measure dual-repo's own cost per call
 * ({@code RoutingBenchmark}) and compare it with a peer library ({@code PeerBenchmark}).
 *
 * <p>Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.benchmarks.inmemory;

import org.jspecify.annotations.NullMarked;
