/** Implementation of the flags module; not an API. */
@NullMarked
package io.dualrepo.flags.internal;

import org.jspecify.annotations.NullMarked;
