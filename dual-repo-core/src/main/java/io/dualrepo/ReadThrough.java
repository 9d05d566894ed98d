package io.dualrepo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Comparator;

/**
 * How one read behaves under a read-through route ({@link io.dualrepo.routing.ReadSource#NEW_THEN_OLD}), the
 * lazy migration mode that answers from the new model and falls back to the old one where the new has nothing.
 *
 * <p>Without this annotation, a read whose result is a single value ({@code Optional}, a nullable reference, a
 * {@code boolean}) falls back when the new model answers empty, null or {@code false}; a read whose result is a
 * collection, map, array or stream is answered by the old model, because during a lazy migration the new model
 * holds only part of any multi-row answer. Annotate such a read with {@code @ReadThrough} when it is a by-key
 * read whose empty answer means "not migrated yet", or with {@code @ReadThrough(stitch = true)} when it is a list
 * read that should see the rows already migrated together with those not yet.
 *
 * <h2>Stitched list reads</h2>
 *
 * <p>With {@link #stitch()}, a read returning a {@code List}, {@code Set}, {@code Collection} or {@code Iterable}
 * calls both models and answers with NEW's elements plus OLD's elements whose identity NEW's answer lacks: NEW wins
 * by key. The identity is the one comparison aligns lists by (an {@code @Id} property, else one named {@code id}, or
 * the one {@link Compare#key()} names). Choices, and why:
 *
 * <ul>
 *   <li><b>OLD is read first, then NEW.</b> A migration copies a row into NEW before it marks it migrated in OLD
 *       ({@link #migratedWhen()}): read the other way round, a row copied after NEW was read and marked before OLD
 *       was would be in neither answer. In this order, a row OLD shows as migrated was in NEW before NEW was read,
 *       so NEW lacking it means NEW deleted it (or it no longer matches the query there).
 *   <li><b>Order:</b> NEW's elements in NEW's order, then OLD's in OLD's. At the start of a migration that is OLD's
 *       answer, at its end NEW's. A read that promises an order names a {@link #order()} comparator, and the
 *       stitched elements are sorted by it (stably: two answers already in that order merge in linear time). A
 *       paged or limited read (a {@code Pageable}, {@code Sort} or {@code Limit} parameter, Spring Data's
 *       {@code findFirst10By} or {@code findTopBy}) is refused at compile time: two pages stitched together are not
 *       the page of the stitched whole. So is a read whose name says {@code OrderBy} without an {@code order}.
 *   <li><b>Not a snapshot.</b> Each element is what one model held at the moment it was read, and a write
 *       acknowledged before the read began is in both models; but writes that run between the two model reads may
 *       show in one part of the answer and not in the other.
 *   <li><b>Nothing is copied</b> ({@link #copyWith()} is refused with {@code stitch}): taking a copy of many rows
 *       back would mean removing what the whole query matches from NEW. Rows migrate by key, or by the backfill.
 *   <li><b>Elements without an identity</b>: an element type known to lack one is refused at compile time. At run
 *       time, an element without a usable key (no identity, a null or composite key, a null element) makes OLD's
 *       answer the whole answer, as for a list read without {@code stitch}, counted and logged.
 * </ul>
 *
 * <p>Either model throwing fails the read with that exception. Under any other route the read is an ordinary one.
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

    /**
     * Under read-through, answers a collection read with NEW's elements plus OLD's elements whose identity NEW's
     * answer lacks, rather than with OLD's answer alone (see the class comment). The result must be declared
     * {@code List}, {@code Set}, {@code Collection} or {@code Iterable}; a {@code Set} read returns a set in the
     * same order as a list would be.
     */
    boolean stitch() default false;

    /**
     * For a stitched read that promises an order: a comparator that sorts as the query does, with a public
     * no-argument constructor. The stitched elements are sorted by it; it should agree with the database's order
     * (string collation included), or the answer follows the comparator. A comparator that throws fails the read,
     * as it would in the caller's own code. {@code Comparator.class}: NEW's elements, then OLD's.
     */
    @SuppressWarnings("rawtypes")
    Class<? extends Comparator> order() default Comparator.class;

    /**
     * For a stitched read: the name of a {@code boolean} (or {@code Boolean}) field of OLD's elements that is true
     * once the row has been migrated into NEW. An element OLD marks migrated never comes from OLD: if NEW's answer
     * lacks it, NEW deleted it or it no longer matches the query there, and OLD's copy, which may no longer be
     * written, must not bring it back. A null marker means not migrated. Set the marker only once the row is
     * committed in NEW. Empty: OLD's elements count as not migrated, so a row NEW lacks is always taken from OLD.
     */
    String migratedWhen() default "";
}
