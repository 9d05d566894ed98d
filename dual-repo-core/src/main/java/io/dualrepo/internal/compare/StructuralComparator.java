package io.dualrepo.internal.compare;

import io.dualrepo.compare.Difference;
import io.dualrepo.spi.CompareOptions;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Structural equivalence of two read results, one from each model, reporting where they differ.
 *
 * <p>Records are compared component by component and other classes field by field (superclasses included,
 * static and transient fields left out), even when they override equals(): the point is the path of the field
 * that differs. JDK value types, enums and anything else from {@code java.}/{@code javax.} compare with
 * equals(), except {@code BigDecimal} (numeric value, scale ignored) and {@code URL} (text, as its equals()
 * resolves host names). Values of different classes at the same place differ, except collections against
 * collections, maps against maps and object arrays against object arrays, since two repositories rarely
 * return the same implementation. {@code Optional} is transparent. Maps compare by key. Lists and arrays of
 * elements with an identity (a property annotated {@code @Id}, else one named {@code id}, or the one {@link
 * CompareOptions#elementKey()} names) compare by key, in order: elements one side lacks are reported by key, as
 * is the first element out of order (see {@link ElementKeys} and {@link KeyedFrame}). Other lists and arrays,
 * and all of them with {@link CompareOptions#positionalLists()}, compare by position. Sets, and every
 * collection with {@link CompareOptions#unorderedCollections()}, compare as multisets, by key where their
 * elements have one.
 *
 * <p>The walk uses its own stack and remembers the pairs of objects already compared, so cyclic and shared
 * graphs terminate and arbitrarily deep ones do not overflow the thread's stack. Exceptions thrown by the
 * compared objects (an accessor, a collection's iterator) propagate to the caller.
 *
 * <p>Thread-safe: each call keeps its state to itself.
 */
public final class StructuralComparator {

    private final CompareOptions options;
    private final ValueRenderer renderer;
    private final IgnoredFields ignored;

    public StructuralComparator(CompareOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.renderer = new ValueRenderer(options);
        this.ignored = new IgnoredFields(options.ignoredFields());
    }

    /**
     * Where the two values differ, in the order met, at most {@link CompareOptions#maxDifferences()} of them;
     * empty when they are equivalent.
     */
    public List<Difference> diff(@Nullable Object oldValue, @Nullable Object newValue) {
        Walk walk = new Walk(this, options.maxDifferences(), true, 0);
        walk.run(oldValue, newValue, ignored.root());
        return List.copyOf(walk.differences());
    }

    /** Whether {@link #diff} would find nothing, without rendering anything. */
    public boolean equivalent(@Nullable Object oldValue, @Nullable Object newValue) {
        Walk walk = new Walk(this, 1, false, 0);
        walk.run(oldValue, newValue, ignored.root());
        return !walk.foundAny();
    }

    public CompareOptions options() {
        return options;
    }

    ValueRenderer renderer() {
        return renderer;
    }

    boolean unordered() {
        return options.unorderedCollections();
    }

    boolean positional() {
        return options.positionalLists();
    }

    /** The ignored-fields node of the compared result itself (and of its top-level elements), or null. */
    IgnoredFields.@Nullable Node ignoredRoot() {
        return ignored.root();
    }

    boolean ignoredAnywhere(String field) {
        return ignored.ignoredAnywhere(field);
    }

    boolean sensitiveName(String field) {
        return options.sensitiveFieldNames().contains(field);
    }
}
