package io.dualrepo.spring.app;

import io.dualrepo.spring.OldModel;
import org.springframework.stereotype.Repository;

/** The old model, found by component scan. */
@Repository
@OldModel
class LegacyTasks extends TaskStore {}
