package io.dualrepo.reliability;

import io.dualrepo.DualModel;
import io.dualrepo.Sensitive;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A repository whose values are the hard cases: nulls, cyclic graphs, huge lists, hostile text, secrets. */
@DualModel("documents")
public interface Documents {

    Optional<Document> findById(String id);

    Node findGraph(String id);

    List<Row> findRows(String id);

    Map<String, String> findLabels(String id);

    void save(Document document);

    record Document(String id, String body, @Sensitive String ownerEmail, Credentials credentials) {}

    /** Masked by name, through {@code DualRepo.builder().sensitiveFields("apiToken")}. */
    record Credentials(String user, String apiToken) {}

    record Row(int id, String value) {}

    /** A node of a graph that may contain cycles: a ring with back links, or a long chain. */
    final class Node {
        final String name;
        Node next;
        Node back;

        Node(String name) {
            this.name = name;
        }
    }
}
