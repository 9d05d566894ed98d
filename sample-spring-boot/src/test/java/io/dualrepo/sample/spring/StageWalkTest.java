package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.compare.Outcome;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * The whole migration on H2, in the real application over real HTTP: OLD_ONLY, DUAL_WRITE, backfill, verify,
 * SHADOW, LIVE, RAMPDOWN, NEW_ONLY, each stage and job asked of the Actuator endpoint while four threads keep
 * writing and reading incidents through the REST API. After each step, every acknowledged write is read back with
 * its latest value; at the end the new model holds every one.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ComparisonLog.class)
class StageWalkTest extends StageWalk {

    /** How a walk moves the incidents to a stage, and waits until the application routes by it. */
    interface Stages {
        void take(String stage) throws Exception;
    }

    @Test
    void everyStageUnderTrafficLosesNoWrite() throws Exception {
        walk(this, this::takenThroughTheEndpoint, true);
    }

    static void walk(StageWalk app, Stages stages, boolean throughTheEndpoint) throws Exception {
        assertThat(app.currentStage()).isEqualTo("OLD_ONLY");
        try (Traffic traffic = app.startTraffic(20)) {
            traffic.awaitWrites(60);
            app.everyWriteReadable(traffic, "OLD_ONLY");

            stages.take("DUAL_WRITE");
            traffic.awaitWrites(60);
            app.everyWriteReadable(traffic, "DUAL_WRITE");

            if (throughTheEndpoint) {
                // Reads cannot move to NEW before it was backfilled: the record refuses, and the route stays.
                assertThat(app.stage("LIVE")).isEqualTo(409);
                assertThat(app.currentStage()).isEqualTo("DUAL_WRITE");
            }

            JsonNode backfill = app.api().runJob("backfill");
            assertThat(backfill.path("status").asString()).as(backfill.toString()).isEqualTo("FINISHED");
            // At least the history, which no dual write touched.
            assertThat(backfill.path("rowsWritten").asLong()).isGreaterThanOrEqualTo(20);
            traffic.awaitWrites(30);
            JsonNode verification = app.api().runJob("verify");
            assertThat(verification.path("status").asString()).as(verification.toString()).isEqualTo("FINISHED");
            assertThat(verification.path("clean").asBoolean()).as(verification.toString()).isTrue();
            app.everyWriteReadable(traffic, "backfilled and verified");

            stages.take("SHADOW");
            traffic.awaitWrites(60);
            app.everyWriteReadable(traffic, "SHADOW");

            for (String stage : new String[] {"LIVE", "RAMPDOWN", "NEW_ONLY"}) {
                stages.take(stage);
                assertThat(app.currentStage()).isEqualTo(stage);
                traffic.awaitWrites(60);
                app.everyWriteReadable(traffic, stage);
            }
            traffic.close();
            assertThat(traffic.problems()).as("lost or failed writes and reads").isEmpty();
            app.newModelHoldsEveryWrite(traffic);
            // The writes waited for above, each read back once by the thread that made it.
            assertThat(traffic.writes()).isGreaterThanOrEqualTo(60 + 60 + 30 + 60 + 3 * 60);
            assertThat(traffic.reads()).isGreaterThanOrEqualTo(traffic.writes());
            // SHADOW and LIVE compared the two models' answers.
            assertThat(app.comparisons(Outcome.MATCH)).isPositive();
            assertThat(app.comparisons(Outcome.SECONDARY_ERROR)).isZero();
        }
    }
}
