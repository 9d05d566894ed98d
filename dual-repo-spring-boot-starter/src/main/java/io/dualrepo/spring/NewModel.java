package io.dualrepo.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks the bean that implements a {@link io.dualrepo.DualModel} interface over the new data model. The starter
 * passes it to the generated decorator as {@code newModel}; injecting the interface itself gives the decorator.
 *
 * <p>Put it on the bean's class or on its {@code @Bean} method. It is a {@link Qualifier}, so code that must
 * reach the new model alone (a backfill, a verification) can inject {@code @NewModel IncidentRepository}.
 */
@Documented
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER,
        ElementType.ANNOTATION_TYPE})
public @interface NewModel {}
