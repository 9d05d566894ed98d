/**
 * The Spring Boot sample's two models of incidents as JPA entities and Spring Data repositories, and the glue that
 * makes them the old and the new model of the decorated repository. Parameters and return values are non-null
 * unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.sample.spring.model;

import org.jspecify.annotations.NullMarked;
