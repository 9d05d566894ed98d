package io.dualrepo.internal.compare;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One compared field of a bean, or component of a record, already made accessible. */
final class Property {

    final String name;
    final boolean sensitive;

    /**
     * Whether the declared type can only hold leaf values, so that an object made only of such properties
     * can never be part of a cycle.
     */
    final boolean leafType;

    private final @Nullable Field field;
    private final @Nullable Method accessor;

    // Set for primitive bean fields: they are compared through Field.getLong and friends, so that a bean with
    // an int or a double field does not box two values per comparison.
    private final @Nullable Class<?> primitive;

    private Property(String name, boolean sensitive, boolean leafType, @Nullable Field field,
            @Nullable Method accessor) {
        this.name = name;
        this.sensitive = sensitive;
        this.leafType = leafType;
        this.field = field;
        this.accessor = accessor;
        this.primitive = field != null && field.getType().isPrimitive() ? field.getType() : null;
    }

    static Property ofField(Field field, boolean sensitive, boolean leafType) {
        return new Property(field.getName(), sensitive, leafType, field, null);
    }

    static Property ofAccessor(String name, Method accessor, boolean sensitive, boolean leafType) {
        return new Property(name, sensitive, leafType, null, accessor);
    }

    boolean isPrimitive() {
        return primitive != null;
    }

    @Nullable Object read(Object target) {
        if (field != null) {
            try {
                return field.get(target);
            } catch (IllegalAccessException e) {
                throw inaccessible(target, e);
            }
        }
        // A property without a field was made by ofAccessor: it has an accessor.
        Method method = Objects.requireNonNull(accessor, "accessor");
        try {
            return method.invoke(target);
        } catch (IllegalAccessException e) {
            throw inaccessible(target, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(
                    "accessor " + method.getName() + "() of " + target.getClass().getName() + " threw", cause);
        }
    }

    /** Same meaning as comparing the boxed values with equals(): NaN equals NaN, 0.0 differs from -0.0. */
    boolean primitiveEquals(Object a, Object b) {
        // Only primitive bean fields have a primitive type (see the constructor).
        Field field = Objects.requireNonNull(this.field, "field");
        try {
            if (primitive == double.class) {
                return Double.doubleToLongBits(field.getDouble(a)) == Double.doubleToLongBits(field.getDouble(b));
            }
            if (primitive == float.class) {
                return Float.floatToIntBits(field.getFloat(a)) == Float.floatToIntBits(field.getFloat(b));
            }
            if (primitive == boolean.class) {
                return field.getBoolean(a) == field.getBoolean(b);
            }
            // byte, short, char, int and long all widen to long without loss.
            return field.getLong(a) == field.getLong(b);
        } catch (IllegalAccessException e) {
            throw inaccessible(a, e);
        }
    }

    // Access was granted when the property was inspected, so this is a bug, not a data problem.
    private IllegalStateException inaccessible(Object target, IllegalAccessException e) {
        return new IllegalStateException("cannot read " + name + " of " + target.getClass().getName(), e);
    }
}
