package io.dualrepo.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.flags.it.UnleashAdmin;
import io.dualrepo.flags.it.UnleashServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link StageWalkTest}'s walk with the application's {@code unleash} profile against a real Unleash server: each
 * stage is the variant of the flag {@code <prefix>incidents.stage}, set through Unleash's admin API, and the walk
 * goes on once the application routes by it. Maven profile {@code unleash-it}; the server is the flags suite's
 * ({@code dual-repo-flags/src/it/unleash-server.sh start}).
 */
@ActiveProfiles("unleash")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(ComparisonLog.class)
class UnleashStageWalkIT extends StageWalk {

    private static final UnleashServer UNLEASH = UnleashServer.fromSystemProperties();
    private static final UnleashAdmin ADMIN = new UnleashAdmin(UNLEASH);
    // Flags of this run only, so that reruns and the other suites never see each other's.
    private static final String PREFIX = "springsample" + System.currentTimeMillis() + ".";
    private static final String STAGE_FLAG = PREFIX + "incidents.stage";

    @DynamicPropertySource
    static void unleash(DynamicPropertyRegistry properties) {
        assertThat(UNLEASH.healthy()).as("an Unleash server answers at %s (start it with"
                + " dual-repo-flags/src/it/unleash-server.sh start)", UNLEASH.url()).isTrue();
        properties.add("dualrepo.unleash.url", () -> UNLEASH.url() + "/api/");
        properties.add("dualrepo.unleash.api-token", UNLEASH::clientToken);
        properties.add("dualrepo.unleash.flag-prefix", () -> PREFIX);
        properties.add("dualrepo.unleash.fetch-interval", () -> "1s");
    }

    @AfterAll
    static void archiveFlags() {
        ADMIN.archiveCreated();
    }

    @Test
    void everyStageSetInUnleashUnderTrafficLosesNoWrite() throws Exception {
        ADMIN.create(STAGE_FLAG);
        ADMIN.rollout(STAGE_FLAG, 100, "OLD_ONLY");
        ADMIN.on(STAGE_FLAG);
        assertThat(api().repository().path("routeSource").asString()).isEqualTo("Unleash flags " + PREFIX + "*");
        StageWalkTest.walk(this, this::setInUnleash, false);
    }

    private void setInUnleash(String stage) throws Exception {
        ADMIN.rollout(STAGE_FLAG, 100, stage);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!currentStage().equals(stage) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(currentStage()).as("the stage from Unleash (last refusal: %s)",
                dualRepo.lastRefusal("incidents")).isEqualTo(stage);
    }
}
