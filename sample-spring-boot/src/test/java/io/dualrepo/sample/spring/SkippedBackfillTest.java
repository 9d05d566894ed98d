package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * The check of {@link StageWalkTest} can fail: with the transition rules off, a walk that skips the backfill moves
 * reads to a new model that lacks the incidents written before dual writes, and the check finds them missing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "dualrepo.enforce-transitions=false")
@Import(ComparisonLog.class)
class SkippedBackfillTest extends StageWalk {

    @Test
    void aWalkWithoutBackfillLosesTheIncidentsWrittenBeforeDualWrites() throws Exception {
        try (Traffic traffic = startTraffic(20)) {
            traffic.awaitWrites(20);
            everyWriteReadable(traffic, "OLD_ONLY");
            for (String stage : new String[] {"DUAL_WRITE", "SHADOW", "LIVE"}) {
                assertThat(stage(stage)).as(stage).isEqualTo(200);
            }
            traffic.awaitWrites(20);
            assertThatThrownBy(() -> everyWriteReadable(traffic, "LIVE without backfill"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("LIVE without backfill")
                    .hasMessageContaining("through the API");
        }
    }
}
