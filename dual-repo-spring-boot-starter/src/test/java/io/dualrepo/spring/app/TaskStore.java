package io.dualrepo.spring.app;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A store in memory: each model has its own, so a test can see which one a call reached. */
abstract class TaskStore implements TaskRepository {

    final Map<String, Task> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<Task> findById(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(Task task) {
        rows.put(task.id(), task);
    }
}
