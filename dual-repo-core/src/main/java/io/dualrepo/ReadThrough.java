package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How one read behaves under a read-through route ({@link io.dualrepo.routing.ReadSource#NEW_THEN_OLD}), the
 * lazy migration mode that answers from the new model and falls back to the old one where the new has nothing.
 *
 * <p>Without this annotation, a read whose result is a single value ({@code Optional}, a nullable reference, a
 * {@code boolean}) falls back when the new model answers empty, null or {@code false}; a read whose result is a
 * collection, map, array or stream is answered by the old model, because during a lazy migration the new model
 * holds only part of any multi-row answer. Annotate such a read with {@code @ReadThrough} when it is a by-key
 * read whose empty answer means "not migrated yet".
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadThrough {

    /**
     * The name of a write method of the same interface that copies what the old model returned into the new
     * model (migrate on read). It takes one parameter: the read's result type, or its element type for
     * {@code Optional} and collection results. Empty: nothing is copied.
     */
    String copyWith() default "";
}
