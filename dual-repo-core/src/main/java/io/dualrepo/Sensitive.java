package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field (or record component, or getter) of a domain class whose value must never appear in mismatch
 * logs or in what comparison listeners receive: differences in it are still detected and reported by path,
 * with both values shown as {@code ***}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.METHOD})
public @interface Sensitive {}
