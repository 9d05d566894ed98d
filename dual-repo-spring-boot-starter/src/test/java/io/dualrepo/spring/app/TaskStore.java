package io.dualrepo.spring.app;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A store in memory: each model has its own, so a test can see which one a call reached. */
abstract class TaskStore implements TaskRepository {

    private final Map<String, Task> rows = new ConcurrentHashMap<>();

    /**
     * The rows, through a method: with Spring's JPA on the class path a {@code @Repository} bean is a proxy (for
     * exception translation), whose own fields are never set.
     */
    Map<String, Task> rows() {
        return rows;
    }

    @Override
    public Optional<Task> findById(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(Task task) {
        rows.put(task.id(), task);
    }
}
