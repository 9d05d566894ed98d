/**
 * Implementation: the machinery behind {@link io.dualrepo.generated} and {@link io.dualrepo.DualRepo}. Not an API:
 * anything here may change in any release, and no other module may use it (a test in this module checks that
 * no other module's main code refers to it).
 */
@NullMarked
package io.dualrepo.internal;

import org.jspecify.annotations.NullMarked;
