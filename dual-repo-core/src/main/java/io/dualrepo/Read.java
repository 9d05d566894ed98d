package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a method of a {@link DualModel} interface to be a read: it is answered by the route's read source
 * and may be compared against the other model.
 *
 * <p>Needed only where the name does not say so. Without an annotation, a method is a read when its name is one
 * of, or starts with one of followed by an upper-case letter: {@code find}, {@code get}, {@code read},
 * {@code load}, {@code fetch}, {@code query}, {@code search}, {@code list}, {@code count}, {@code exists},
 * {@code is}, {@code has}. A read must return a value, and not a {@code Stream} or {@code Iterator}: those can be
 * consumed only once, so the two models' answers could not be compared.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Read {}
