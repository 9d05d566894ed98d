package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter whose value identifies who the call is for (a tenant, an organisation, an entity id).
 * Its {@code toString()} is passed to the {@link io.dualrepo.routing.RouteSource}, so that a gradual rollout
 * routes the same key the same way on every call. At most one per method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RoutingKey {}
