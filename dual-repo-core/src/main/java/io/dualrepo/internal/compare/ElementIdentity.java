package io.dualrepo.internal.compare;

import org.jspecify.annotations.Nullable;

/**
 * The identities of the elements of a read's result, outside a comparison: read-through stitching tells NEW's
 * elements from OLD's by the same key the comparison aligns them by ({@link ElementKeys}), so that a read's two
 * uses of "the same row" never disagree.
 *
 * <p>One instance serves one read on one thread: like {@link ElementKeys}, it remembers the last class it met, so
 * that a result whose elements share a class looks its key and marker up once.
 */
public final class ElementIdentity {

    /** What {@link #migrated} returns for an element whose class has no boolean property of the marker's name. */
    public static final Object NO_MARKER = new Object();

    private final ElementKeys keys;
    private final @Nullable String marker;
    private @Nullable Class<?> markerClass;
    private @Nullable Property markerProperty;

    /**
     * @param comparator the method's comparator: its {@code @Compare(key = ...)} and ignored fields decide the key
     * @param marker the name of the boolean property that marks an element migrated, or null
     */
    public ElementIdentity(StructuralComparator comparator, @Nullable String marker) {
        this.keys = new ElementKeys(comparator, comparator.ignoredRoot());
        this.marker = marker;
    }

    /**
     * The element's key as a hash table key, equal to another element's exactly when the comparison would align
     * the two; null when the element has no usable key (see {@link ElementKeys}).
     */
    public @Nullable Object keyOf(@Nullable Object element) {
        Property key = keys.of(element);
        if (key == null || element == null) {
            return null;
        }
        Object value = key.read(element);
        return value != null && ElementKeys.usable(value) ? ElementKeys.hashable(value) : null;
    }

    /**
     * Whether the element is marked migrated: {@code Boolean.TRUE} or {@code FALSE} (a null marker is false), or
     * {@link #NO_MARKER} when the element is null or its class has no boolean property of the marker's name.
     */
    public Object migrated(@Nullable Object element) {
        if (element == null) {
            return NO_MARKER;
        }
        Class<?> type = element.getClass();
        if (type != markerClass) {
            TypeInfo info = TypeInfo.of(type);
            markerProperty = marker != null && (info.kind == TypeInfo.Kind.RECORD || info.kind == TypeInfo.Kind.BEAN)
                    ? info.property(marker)
                    : null;
            markerClass = type;
        }
        if (markerProperty == null) {
            return NO_MARKER;
        }
        Object value = markerProperty.read(element);
        if (value == null) {
            return Boolean.FALSE;
        }
        return value instanceof Boolean ? value : NO_MARKER;
    }
}
