package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a method of a {@link DualModel} interface to be a write: it goes to the route's write targets, the
 * read source first.
 *
 * <p>Needed only where the name does not say so. Without an annotation, a method is a write when its name is one
 * of, or starts with one of followed by an upper-case letter: {@code save}, {@code insert}, {@code update},
 * {@code upsert}, {@code delete}, {@code remove}, {@code create}, {@code add}, {@code put}, {@code set},
 * {@code store}, {@code persist}, {@code merge}, {@code mark}, {@code change}, {@code clear}, {@code purge}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Write {}
