package io.dualrepo;

import io.dualrepo.compare.Equivalence;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tunes how the results of one read are compared between the old and the new model. Without it, results are
 * compared structurally: records, beans, collections in order, maps, {@code Optional}, arrays and null.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Compare {

    /**
     * Fields left out of the comparison. A plain name ({@code "updatedAt"}) is ignored at any depth; a dotted
     * path from the result ({@code "organisation.updatedAt"}) only there.
     */
    String[] ignoreFields() default {};

    /** Compare collections (at any depth) as multisets: same elements, any order. */
    boolean unordered() default false;

    /**
     * A custom equivalence replacing the structural one for this method's results. It must have a public
     * no-argument constructor.
     */
    Class<? extends Equivalence> equivalence() default Equivalence.class;
}
