package io.dualrepo.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** What "the new model has nothing for this request" means to read-through. */
final class Emptiness {

    private Emptiness() {}

    static boolean isEmpty(Object result) {
        if (result == null) {
            return true;
        }
        if (result instanceof Optional<?> optional) {
            return optional.isEmpty();
        }
        if (result instanceof Boolean found) {
            // exists/has reads answer false for "not there"
            return !found;
        }
        if (result instanceof Collection<?> collection) {
            return collection.isEmpty();
        }
        if (result instanceof Map<?, ?> map) {
            return map.isEmpty();
        }
        if (result instanceof OptionalInt optional) {
            return optional.isEmpty();
        }
        if (result instanceof OptionalLong optional) {
            return optional.isEmpty();
        }
        if (result instanceof OptionalDouble optional) {
            return optional.isEmpty();
        }
        return result.getClass().isArray() && Array.getLength(result) == 0;
    }

    /** The values a non-empty answer holds, one per row: an optional's value, the elements, or the answer itself. */
    static List<?> values(Object result) {
        if (result instanceof Optional<?> optional) {
            return optional.<List<?>>map(List::of).orElse(List.of());
        }
        if (result instanceof Collection<?> collection) {
            return List.copyOf(collection);
        }
        if (result instanceof Map<?, ?> map) {
            return List.copyOf(map.values());
        }
        if (result.getClass().isArray() && !result.getClass().getComponentType().isPrimitive()) {
            return List.of((Object[]) result);
        }
        return List.of(result);
    }

    /** Whether a result type holds many rows, so that a partly migrated new model gives a partial answer. */
    static boolean isMultiRow(Class<?> resultType) {
        return Collection.class.isAssignableFrom(resultType)
                || Map.class.isAssignableFrom(resultType)
                || Iterable.class.isAssignableFrom(resultType)
                || java.util.stream.BaseStream.class.isAssignableFrom(resultType)
                || resultType.isArray();
    }
}
