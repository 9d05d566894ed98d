package io.dualrepo.internal.compare;

import io.dualrepo.spi.CompareOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The ignored fields of a {@link CompareOptions}, split so that the walk decides each field with a set lookup
 * and a step in a tree, without building the path of every field it visits.
 */
final class IgnoredFields {

    /**
     * A position along the dotted entries: the walk carries the node of the field it is in and steps to the
     * child named after the next field. No node means no dotted entry can match below.
     */
    static final class Node {
        private final Map<String, Node> children = new HashMap<>();
        private boolean ignored;

        @Nullable Node child(String field) {
            return children.get(field);
        }

        boolean ignored() {
            return ignored;
        }
    }

    private final Set<String> anywhere = new HashSet<>();
    private final @Nullable Node root;

    IgnoredFields(Set<String> entries) {
        Node tree = new Node();
        for (String entry : entries) {
            if (entry.indexOf('.') < 0) {
                anywhere.add(entry);
                continue;
            }
            Node node = tree;
            for (String field : entry.split("\\.")) {
                node = node.children.computeIfAbsent(field, f -> new Node());
            }
            node.ignored = true;
        }
        root = tree.children.isEmpty() ? null : tree;
    }

    boolean ignoredAnywhere(String field) {
        return anywhere.contains(field);
    }

    /** The node for the compared result itself, or null when there are no dotted entries. */
    @Nullable Node root() {
        return root;
    }
}
