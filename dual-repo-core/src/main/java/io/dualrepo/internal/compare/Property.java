package io.dualrepo.internal.compare;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** One compared field of a bean, or component of a record, already made accessible. */
final class Property {

    final String name;
    final boolean sensitive;

    /**
     * Whether the declared type can only hold leaf values, so that an object made only of such properties
     * can never be part of a cycle.
     */
    final boolean leafType;

    private final Field field;
    private final Method accessor;

    // Set for primitive bean fields: they are compared through Field.getLong and friends, so that a bean with
    // an int or a double field does not box two values per comparison.
    private final Class<?> primitive;

    private Property(String name, boolean sensitive, boolean leafType, Field field, Method accessor) {
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

    Object read(Object target) {
        try {
            return field != null ? field.get(target) : accessor.invoke(target);
        } catch (IllegalAccessException e) {
            // Access was granted when the property was inspected, so this is a bug, not a data problem.
            throw new IllegalStateException("cannot read " + name + " of " + target.getClass().getName(), e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(
                    "accessor " + accessor.getName() + "() of " + target.getClass().getName() + " threw", cause);
        }
    }

    /** Same meaning as comparing the boxed values with equals(): NaN equals NaN, 0.0 differs from -0.0. */
    boolean primitiveEquals(Object a, Object b) {
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
            throw new IllegalStateException("cannot read " + name + " of " + a.getClass().getName(), e);
        }
    }
}
