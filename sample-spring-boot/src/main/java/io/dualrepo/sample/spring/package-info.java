/**
 * The incident-status migration as a Spring Boot application: the repository the starter decorates, its REST
 * controller, and the operator console's address and buttons. Parameters and return values are non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.sample.spring;

import org.jspecify.annotations.NullMarked;
