/** Routes: which model serves reads and takes writes per stage, where they come from, and why one is refused. */
@NullMarked
package io.dualrepo.routing;

import org.jspecify.annotations.NullMarked;
