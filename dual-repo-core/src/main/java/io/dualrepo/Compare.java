package io.dualrepo;

import io.dualrepo.compare.Equivalence;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tunes how the results of one read are compared between the old and the new model. Without it, results are
 * compared structurally: records, beans, lists in order, sets, maps, {@code Optional}, arrays and null.
 *
 * <p><b>Lists of entities are aligned by identity.</b> An element's identity is its field (or record component)
 * annotated {@code @Id} — any annotation of that simple name, such as {@code jakarta.persistence.Id} or Spring
 * Data's, on the field, the record component or the getter — else its field named {@code id}, or the field
 * {@link #key()} names. A list, array or set whose elements have one is compared key by key: an element only the old
 * model returned is reported as {@code $[id=1009]: old=Incident{…} new=<absent>}, one only the new model returned
 * the other way round, a difference inside an element as {@code $[id=7].title: old=… new=…}, and, since the
 * order of a list counts, the first element out of order as {@code $[id=3]: old=after [id=2] new=after [id=4]}
 * (the element it follows on each side, among those both sides returned). A key is shown as {@code ***} when its
 * field is {@link Sensitive}. Lists of values (strings, numbers, classes without an identity) are compared by
 * position, as are all lists with {@link #positional()}.
 *
 * <p>Keys align only what they identify without doubt. Two lists are walked in step while both hold the same key
 * at the same place; from the first place where they part, the rest is aligned by key unless in that rest an
 * element has no identity (or is null), a key is null or not a plain value (a number, string, UUID, date,
 * enum...; an embedded id object is not), or one side holds a key twice. Then the rest is compared by position (as
 * a multiset under {@link #unordered()}): the comparison never fails for it, its differences are only named by
 * index. A class with several {@code @Id} fields has no single key, and a key field left out with {@link
 * #ignoreFields()} identifies nothing: ignoring {@code id} says the two models' ids differ anyway. Aligning by key
 * changes how differences are named, never whether two results match.
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

    /**
     * Compare collections (at any depth) as multisets: same elements, any order. Elements with an identity are
     * still matched by it, and reported by key. Excludes {@link #positional()}.
     */
    boolean unordered() default false;

    /**
     * Compare lists and arrays (at any depth) position by position, even where their elements have an identity:
     * for results where the position itself is the point, such as a ranking whose third place matters more than
     * which row is missing. Without it a list of entities is still compared in order, but by key. Excludes
     * {@link #unordered()} and {@link #key()}.
     */
    boolean positional() default false;

    /**
     * The field (or record component) that identifies an element of a list, instead of its {@code @Id} or
     * {@code id} field: {@code "isbn"}, {@code "email"}. It applies at any depth to the lists
     * whose element class has a field of that name; elements of other classes keep their own identity. It must
     * name a field of the elements of a list in the result (the compiler checks), must not be an ignored field,
     * and has no effect with {@link #positional()}, which the compiler reports too.
     */
    String key() default "";

    /**
     * A custom equivalence replacing the structural one for this method's results. It must have a public
     * no-argument constructor.
     */
    Class<? extends Equivalence> equivalence() default Equivalence.class;
}
