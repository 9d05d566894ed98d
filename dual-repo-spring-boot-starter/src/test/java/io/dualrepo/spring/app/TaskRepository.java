package io.dualrepo.spring.app;

import io.dualrepo.DualModel;
import java.util.Optional;

/** The application's repository, as its services inject it; the starter makes the decorator its bean. */
@DualModel("tasks")
public interface TaskRepository {

    Optional<Task> findById(String id);

    void save(Task task);
}
