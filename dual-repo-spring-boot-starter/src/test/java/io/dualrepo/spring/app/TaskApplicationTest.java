package io.dualrepo.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.compare.Outcome;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The starter in a whole Spring Boot application: properties set the stage, the interface injects the decorator,
 * and the meters land in Boot's registry.
 */
@SpringBootTest(properties = {"dualrepo.repositories.tasks.stage=DUAL_WRITE", "dualrepo.comparison.mode=SYNC"})
class TaskApplicationTest {

    @Autowired
    TaskRepository tasks;

    @Autowired
    LegacyTasks legacy;

    @Autowired
    TaskTable table;

    @Autowired
    DualRepo dualRepo;

    @Autowired
    InMemoryRouteSource routes;

    @Autowired
    MeterRegistry registry;

    @Autowired
    TaskApplication application;

    @Test
    void writesReachBothModelsInDualWriteAndReadsComeFromNewOnceLive() {
        assertThat(tasks).isNotInstanceOf(TaskStore.class);
        assertThat(dualRepo.currentRoute("tasks")).isEqualTo(Stage.DUAL_WRITE.route());

        tasks.save(new Task("t-1", "write the starter"));
        assertThat(legacy.rows()).containsKey("t-1");
        assertThat(table.rows()).containsKey("t-1");
        // Rows that differ tell which model answered.
        legacy.rows().put("t-2", new Task("t-2", "as OLD has it"));
        table.rows().put("t-2", new Task("t-2", "as NEW has it"));
        assertThat(tasks.findById("t-2")).contains(new Task("t-2", "as OLD has it"));

        // NEW was never backfilled here: the record must be told it is complete before it may serve reads.
        dualRepo.force("tasks", Side.NEW, "the test wrote every row to both models", "TaskApplicationTest");
        routes.set("tasks", Stage.LIVE);
        assertThat(tasks.findById("t-2")).contains(new Task("t-2", "as NEW has it"));
        assertThat(dualRepo.currentRoute("tasks")).isEqualTo(Stage.LIVE.route());
        // LIVE compares with OLD: the listener bean and Boot's registry both saw the mismatch.
        assertThat(application.comparisons).extracting(result -> result.outcome()).contains(Outcome.MISMATCH);
        assertThat(registry.get(DualRepoMetrics.COMPARISONS).tag(DualRepoMetrics.TAG_REPOSITORY, "tasks")
                .tag(DualRepoMetrics.TAG_METHOD, "findById").tag(DualRepoMetrics.TAG_OUTCOME, Outcome.MISMATCH.tag())
                .counter().count()).isEqualTo(1);
        // By repository too: Boot's registry joins Micrometer's global one and takes in the meters other tests' contexts
        // left there, among them another repository's save.
        assertThat(registry.get(DualRepoMetrics.CALLS).tag(DualRepoMetrics.TAG_REPOSITORY, "tasks")
                .tag(DualRepoMetrics.TAG_METHOD, "save").tag(DualRepoMetrics.TAG_SIDE, Side.NEW.tag())
                .tag(DualRepoMetrics.TAG_OUTCOME, DualRepoMetrics.OUTCOME_SUCCESS).functionCounter().count())
                .isEqualTo(1);
    }
}
