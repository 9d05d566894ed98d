/**
 * How the starter finds {@code @DualModel} interfaces and wires their decorators. Not API: it may change in any
 * release.
 */
@NullMarked
package io.dualrepo.spring.internal;

import org.jspecify.annotations.NullMarked;
