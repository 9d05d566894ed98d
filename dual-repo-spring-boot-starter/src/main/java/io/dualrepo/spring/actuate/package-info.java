/**
 * Actuator support, built only when the application has Actuator: the {@code dualrepo} endpoint ({@link
 * io.dualrepo.spring.actuate.DualRepoEndpoint}) and health indicator ({@link
 * io.dualrepo.spring.actuate.DualRepoHealthIndicator}). Parameters and return values are non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.spring.actuate;

import org.jspecify.annotations.NullMarked;
