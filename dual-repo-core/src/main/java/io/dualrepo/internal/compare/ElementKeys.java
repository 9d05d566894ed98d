package io.dualrepo.internal.compare;

import io.dualrepo.internal.compare.TypeInfo.Kind;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The identities of the elements of one list: which property identifies an element, and when two identities
 * are the same.
 *
 * <p>An element's key property is the one {@code @Compare(key = ...)} names, where its class has it, else the
 * class's own identity ({@link TypeInfo#identity}). A property the comparison ignores at that place identifies
 * nothing: ignoring {@code id} says the two models' ids are not comparable, so aligning by them would only pair
 * the wrong rows.
 *
 * <p>Only plain values identify an element: those compared with equals() (numbers, strings, UUIDs, dates and
 * other JDK values), enums, {@code BigDecimal} (by numeric value) and {@code URL} (by text). Two such keys are the
 * same exactly when the structural comparison would find them equivalent, so aligning by key never pairs what the
 * comparison would call different, nor separates what it would call equal. A null key, or one of any other kind
 * (an embedded id object), identifies nothing.
 *
 * <p>One instance serves one list and remembers the last class it was asked about: a list's elements nearly
 * always share one, so the lookup costs a comparison of classes per element.
 */
final class ElementKeys {

    private final StructuralComparator comparator;
    private final IgnoredFields.@Nullable Node ignored;
    private @Nullable Class<?> lastClass;
    private @Nullable Property lastKey;

    /** @param ignored where the list's elements stand among the dotted ignored paths, or null */
    ElementKeys(StructuralComparator comparator, IgnoredFields.@Nullable Node ignored) {
        this.comparator = comparator;
        this.ignored = ignored;
    }

    /** The property identifying this element, or null when it has none (null elements and plain values have none). */
    @Nullable Property of(@Nullable Object element) {
        if (element == null) {
            return null;
        }
        Class<?> type = element.getClass();
        if (type != lastClass) {
            lastKey = resolve(TypeInfo.of(type));
            lastClass = type;
        }
        return lastKey;
    }

    private @Nullable Property resolve(TypeInfo type) {
        if (type.kind != Kind.RECORD && type.kind != Kind.BEAN) {
            return null;
        }
        String named = comparator.options().elementKey();
        Property key = named.isEmpty() ? null : type.property(named);
        if (key == null) {
            key = type.identity;
        }
        if (key == null || comparator.ignoredAnywhere(key.name)) {
            return null;
        }
        IgnoredFields.Node child = ignored == null ? null : ignored.child(key.name);
        return child != null && child.ignored() ? null : key;
    }

    /**
     * Whether two elements, each with its key property, have the same usable key. Primitive key fields of the
     * same class are compared without boxing: a list of a million rows keyed by a {@code long} is walked
     * without allocating.
     */
    static boolean sameKey(Property keyA, Object a, Property keyB, Object b) {
        if (keyA == keyB && keyA.isPrimitive()) {
            return keyA.primitiveEquals(a, b);
        }
        Object ka = keyA.read(a);
        Object kb = keyB.read(b);
        if (ka == null || kb == null || !usable(ka) || !usable(kb)) {
            return false;
        }
        if (ka.getClass() != kb.getClass()) {
            // Two constants of one enum with bodies of their own are of different classes.
            return ka instanceof Enum<?> && ka == kb;
        }
        return switch (TypeInfo.of(ka.getClass()).kind) {
            case BIG_DECIMAL -> ((BigDecimal) ka).compareTo((BigDecimal) kb) == 0;
            case URL -> ka.toString().equals(kb.toString());
            default -> ka.equals(kb);
        };
    }

    /** Whether a key value can identify an element: see the class comment (a null key, ruled out first, never can). */
    static boolean usable(Object key) {
        return switch (TypeInfo.of(key.getClass()).kind) {
            case LEAF, ENUM, BIG_DECIMAL, URL -> true;
            default -> false;
        };
    }

    /**
     * A usable key as a hash table key, equal to another exactly when {@link #sameKey} would say so: of the same
     * class (an enum constant's class being its enum, whatever body it has), BigDecimals without trailing zeros,
     * URLs by their text (their own equals() resolves host names).
     */
    static Object hashable(Object key) {
        Class<?> type = key instanceof Enum<?> constant ? constant.getDeclaringClass() : key.getClass();
        Object value = key;
        if (key instanceof BigDecimal decimal) {
            value = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
        } else if (key instanceof java.net.URL url) {
            value = url.toString();
        }
        return new TypedKey(type, value);
    }

    // java.sql.Timestamp and java.util.Date, among others, are equal one way round: the class settles it.
    private record TypedKey(Class<?> type, Object value) {}
}
