package io.dualrepo.internal.compare;

import org.jspecify.annotations.Nullable;

/**
 * One record, bean, collection, map or array being compared by a {@link Walk}: it hands out its children one at a
 * time and is also the path to them. It knows its parent and the segment ({@code .field}, {@code [2]},
 * {@code [key]}, {@code [id=7]}) that led to it; the path string is built only when a difference is reported.
 */
abstract class Frame {

    // The kinds of path segment.
    /** No segment: the result itself, an Optional's content, or a frame standing in for its parent. */
    static final byte NONE = 0;
    /** {@code .name} */
    static final byte FIELD = 1;
    /** {@code [2]} */
    static final byte INDEX = 2;
    /** {@code [key]}: a map key, rendered. */
    static final byte KEY = 3;
    /** {@code [***]}: a map key inside a sensitive field. */
    static final byte MASKED_KEY = 4;
    /** {@code [?]}: an element of a multiset, which has no position to name. */
    static final byte UNPLACED = 5;
    /** {@code [id=7]}: an element named by its key property, read from the element when the path is built. */
    static final byte ELEMENT_KEY = 6;

    final @Nullable Frame parent;
    final byte segKind;
    final int segIndex;
    final @Nullable Object segRef;
    final @Nullable Property segKey;
    final IgnoredFields.@Nullable Node ignored;
    final boolean masked;

    // The segment of the child being compared; a child frame copies it as its own segment. For ELEMENT_KEY the
    // reference is the element and childKey its key property, so that no key is read or boxed until a path is.
    byte childKind;
    int childIndex;
    @Nullable Object childRef;
    @Nullable Property childKey;

    /**
     * @param ignored where this frame stands among the dotted ignored paths, or null
     * @param masked whether this frame is inside a sensitive field
     */
    Frame(@Nullable Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked) {
        this.parent = parent;
        this.ignored = ignored;
        this.masked = masked;
        if (parent == null) {
            segKind = NONE;
            segIndex = 0;
            segRef = null;
            segKey = null;
        } else {
            segKind = parent.childKind;
            segIndex = parent.childIndex;
            segRef = parent.childRef;
            segKey = parent.childKey;
        }
    }

    /** Names the next child as an element by its key. */
    final void childByKey(Object element, Property key) {
        childKind = ELEMENT_KEY;
        childRef = element;
        childKey = key;
    }

    /**
     * Compares children until one needs a frame of its own (pushed above this one) or the walk has found enough,
     * returning true, or until there are none left, returning false.
     */
    abstract boolean advance(Walk walk);

    /** The parent of the result itself, whose path is {@code $}. Never on the stack. */
    static final class Root extends Frame {
        Root(IgnoredFields.@Nullable Node ignored) {
            super(null, ignored, false);
        }

        @Override
        boolean advance(Walk walk) {
            return false;
        }
    }
}
