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
     *
     * <p>The copy is made only while no write of the repository runs in this process, and a write that starts
     * during it makes the decorator take the copy back with {@link #removeWith()}: otherwise a delete that
     * completes during the read would be undone, or an update overwritten by the value read before it. See the
     * guide's read-through section for what holds across processes.
     */
    String copyWith() default "";

    /**
     * The name of a write method of the same interface that removes from the new model what this read asks for,
     * taking the read's own arguments (for {@code findById(String id)}, {@code deleteById(String id)}). It takes a
     * copy back when a write of the repository ran while the copy was made; the read then falls back to the old
     * model again, which every write reaches. Empty: such a copy cannot be taken back, so the new model is recorded
     * in the migration record as having missed a write, logged and counted.
     */
    String removeWith() default "";
}
