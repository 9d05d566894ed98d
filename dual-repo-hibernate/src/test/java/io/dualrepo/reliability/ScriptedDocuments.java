package io.dualrepo.reliability;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/** One model of {@link Documents} whose every answer the test decides. */
final class ScriptedDocuments implements Documents {

    volatile Function<String, Optional<Document>> byId = id -> Optional.empty();
    volatile Function<String, Node> graph = id -> null;
    volatile Function<String, List<Row>> rows = id -> List.of();
    volatile Function<String, Map<String, String>> labels = id -> Map.of();
    volatile Consumer<Document> saves = document -> {};
    final AtomicInteger saved = new AtomicInteger();

    @Override
    public Optional<Document> findById(String id) {
        return byId.apply(id);
    }

    @Override
    public Node findGraph(String id) {
        return graph.apply(id);
    }

    @Override
    public List<Row> findRows(String id) {
        return rows.apply(id);
    }

    @Override
    public Map<String, String> findLabels(String id) {
        return labels.apply(id);
    }

    @Override
    public void save(Document document) {
        saves.accept(document);
        saved.incrementAndGet();
    }
}
