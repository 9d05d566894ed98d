package io.dualrepo.spring.app;

import io.dualrepo.spring.NewModel;
import org.springframework.stereotype.Repository;

/** The new model, found by component scan. */
@Repository
@NewModel
class TaskTable extends TaskStore {}
