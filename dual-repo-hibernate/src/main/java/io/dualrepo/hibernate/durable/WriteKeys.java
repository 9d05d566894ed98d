package io.dualrepo.hibernate.durable;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The keys a repository's write touches, from the method and its arguments: what {@link CrossDatabaseScope} and
 * {@link PendingSyncSink} record so that the repair can re-sync them. Called after the primary took the write,
 * inside its transaction, so a key the primary generated is there to read; a key it cannot name fails the call
 * and rolls the primary's write back, since a write whose key is unknown could not be repaired.
 *
 * <pre>{@code
 * WriteKeys<String> keys = WriteKeys.<String>builder()
 *         .on("save", arguments -> ((Incident) arguments.get(0)).id())
 *         .on("deleteById", arguments -> (String) arguments.get(0))
 *         .build();
 * }</pre>
 *
 * @param <K> the migration's key
 */
@FunctionalInterface
public interface WriteKeys<K> {

    /**
     * The keys of one write; empty when it touched none.
     *
     * @param method the method as the decorator names it: its name, with parameter types when overloaded
     * @param arguments the call's arguments, in declaration order
     */
    Collection<K> keysOf(String method, List<Object> arguments);

    static <K> Builder<K> builder() {
        return new Builder<>();
    }

    /** Keys by method name; a write of a method not mapped fails with a message naming it. */
    final class Builder<K> {

        private final Map<String, Function<List<Object>, ? extends Collection<K>>> byMethod = new LinkedHashMap<>();

        private Builder() {}

        /** A method that writes one key. */
        public Builder<K> on(String method, Function<List<Object>, K> key) {
            Objects.requireNonNull(key, "key");
            return onEach(method, arguments -> List.of(key.apply(arguments)));
        }

        /** A method that writes several keys (a {@code saveAll}), or none. */
        public Builder<K> onEach(String method, Function<List<Object>, ? extends Collection<K>> keys) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(keys, "keys");
            if (byMethod.putIfAbsent(method, keys) != null) {
                throw new IllegalArgumentException("keys of method '" + method + "' are already mapped");
            }
            return this;
        }

        public WriteKeys<K> build() {
            Map<String, Function<List<Object>, ? extends Collection<K>>> methods = Map.copyOf(byMethod);
            return (method, arguments) -> {
                Function<List<Object>, ? extends Collection<K>> keys = methods.get(method);
                if (keys == null) {
                    throw new IllegalArgumentException("no keys mapped for write method '" + method
                            + "': add .on(\"" + method + "\", arguments -> ...) to its WriteKeys (mapped: "
                            + methods.keySet() + ")");
                }
                return keys.apply(arguments);
            };
        }
    }
}
