package io.dualrepo.processor;

import java.util.List;
import java.util.Optional;

/**
 * Whether a method reads or writes, and the name prefixes that say so without an annotation. The prefixes are
 * the ones documented on {@link io.dualrepo.Read} and {@link io.dualrepo.Write}: keep them in step.
 */
enum Operation {
    READ("find", "get", "read", "load", "fetch", "query", "search", "list", "count", "exists", "is", "has"),
    WRITE("save", "insert", "update", "upsert", "delete", "remove", "create", "add", "put", "set", "store",
            "persist", "merge", "mark", "change", "clear", "purge");

    private final List<String> prefixes;

    Operation(String... prefixes) {
        this.prefixes = List.of(prefixes);
    }

    /** The operation a method name says, if it says one. */
    static Optional<Operation> named(String methodName) {
        for (Operation operation : values()) {
            for (String prefix : operation.prefixes) {
                if (hasPrefix(methodName, prefix)) {
                    return Optional.of(operation);
                }
            }
        }
        return Optional.empty();
    }

    // A prefix must end at a word boundary, so that "issue" or "settle" are not read as "is" or "set".
    private static boolean hasPrefix(String name, String prefix) {
        return name.equals(prefix)
                || (name.startsWith(prefix) && Character.isUpperCase(name.charAt(prefix.length())));
    }
}
