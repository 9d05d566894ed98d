/** The meters dual-repo publishes and their catalogue ({@link io.dualrepo.metrics.CoreMeters}). */
@NullMarked
package io.dualrepo.metrics;

import org.jspecify.annotations.NullMarked;
