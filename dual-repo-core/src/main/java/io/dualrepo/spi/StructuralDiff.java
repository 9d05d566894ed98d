package io.dualrepo.spi;

import io.dualrepo.compare.Difference;
import io.dualrepo.internal.compare.StructuralComparator;
import java.util.List;

/**
 * The comparison shadow reads make, for modules that compare the two models' values by other means (the
 * Hibernate backfill's batch check, the verifier, repair): public so that a value the verifier calls equal is
 * one a shadow read calls equal, by the same code. Records compare component by component, other classes field
 * by field, collections by key where their elements have an identity; {@link CompareOptions} says what to leave
 * out and how to render what differs.
 *
 * <p>Thread-safe. Exceptions thrown by the compared objects (an accessor, an iterator) propagate to the caller.
 */
public final class StructuralDiff {

    private final StructuralComparator comparator;

    private StructuralDiff(CompareOptions options) {
        this.comparator = new StructuralComparator(options);
    }

    public static StructuralDiff of(CompareOptions options) {
        return new StructuralDiff(options);
    }

    /**
     * Where the two values differ, in the order met, at most {@link CompareOptions#maxDifferences()} of them;
     * empty when they are equivalent.
     */
    public List<Difference> diff(Object oldValue, Object newValue) {
        return comparator.diff(oldValue, newValue);
    }

    /** Whether {@link #diff} would find nothing, without rendering anything. */
    public boolean equivalent(Object oldValue, Object newValue) {
        return comparator.equivalent(oldValue, newValue);
    }
}
