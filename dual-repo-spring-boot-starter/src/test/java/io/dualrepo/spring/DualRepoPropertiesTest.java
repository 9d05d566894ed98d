package io.dualrepo.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented defaults are the runtime's, and the generated metadata documents every property. */
class DualRepoPropertiesTest {

    @Test
    void defaultsAreTheRuntimesDefaults() {
        DualRepoProperties properties = new DualRepoProperties();
        assertThat(properties.getDefaultStage().route()).isEqualTo(DualRepo.DEFAULT_ROUTE);
        assertThat(properties.getSecondaryWriteFailurePolicy())
                .isEqualTo(DualRepo.DEFAULT_SECONDARY_WRITE_FAILURE_POLICY);
        assertThat(properties.getComparison().getMode()).isEqualTo(DualRepo.DEFAULT_COMPARISON_MODE);
        assertThat(properties.getComparison().getThreads()).isEqualTo(DualRepo.DEFAULT_COMPARISON_THREADS);
        assertThat(properties.getComparison().getQueue()).isEqualTo(DualRepo.DEFAULT_COMPARISON_QUEUE);
        assertThat(properties.getComparison().getTimeout()).isEqualTo(DualRepo.DEFAULT_COMPARISON_TIMEOUT);
        assertThat(properties.getComparison().getMaxDifferences()).isEqualTo(DualRepo.DEFAULT_MAX_DIFFERENCES);
        assertThat(properties.getComparison().getMismatchLogsPerMinute())
                .isEqualTo(DualRepo.DEFAULT_MISMATCH_LOGS_PER_MINUTE);
        assertThat(properties.getCircuitBreaker().getFailureRateThreshold())
                .isEqualTo(DualRepo.DEFAULT_CIRCUIT_FAILURE_RATE);
        assertThat(properties.getCircuitBreaker().getSlidingWindowSize()).isEqualTo(DualRepo.DEFAULT_CIRCUIT_WINDOW);
        assertThat(properties.getCircuitBreaker().getWaitDurationInOpenState())
                .isEqualTo(DualRepo.DEFAULT_CIRCUIT_OPEN_FOR);
        assertThat(properties.isEnforceTransitions()).isTrue();
        assertThat(properties.getWriteFailureLogsPerMinute()).isEqualTo(DualRepo.DEFAULT_MISMATCH_LOGS_PER_MINUTE);
        assertThat(properties.getHookErrorLogsPerMinute()).isEqualTo(DualRepo.DEFAULT_MISMATCH_LOGS_PER_MINUTE);
        assertThat(properties.getMigrationRecord().getTable()).isEqualTo(DatabaseMigrationRecord.DEFAULT_TABLE);
        assertThat(properties.getMigrationRecord().getSettleTime()).isZero();
    }

    @Test
    void theConfigurationProcessorDescribedEveryProperty() throws IOException {
        String metadata = ownMetadata();
        for (String property : List.of("dualrepo.enabled", "dualrepo.default-stage", "dualrepo.enforce-transitions",
                "dualrepo.route-source-name", "dualrepo.secondary-write-failure-policy", "dualrepo.sensitive-fields",
                "dualrepo.comparison.mode", "dualrepo.comparison.threads", "dualrepo.comparison.queue",
                "dualrepo.comparison.timeout", "dualrepo.comparison.max-differences", "dualrepo.comparison.budget",
                "dualrepo.comparison.budget-window",
                "dualrepo.comparison.mismatch-logs-per-minute", "dualrepo.circuit-breaker.failure-rate-threshold",
                "dualrepo.circuit-breaker.sliding-window-size", "dualrepo.circuit-breaker.wait-duration-in-open-state",
                "dualrepo.decorators.enabled", "dualrepo.repositories", "dualrepo.write-failure-logs-per-minute",
                "dualrepo.hook-error-logs-per-minute", "dualrepo.migration-record.enabled",
                "dualrepo.migration-record.table", "dualrepo.migration-record.settle-time",
                "dualrepo.schema.create-tables", "dualrepo.verify.rechecks", "dualrepo.verify.recheck-window")) {
            assertThat(metadata).contains("\"name\": \"" + property + "\"");
        }
        // Descriptions come from the fields' javadoc, defaults from their initialisers.
        assertThat(metadata).contains("Threads running shadow reads, shared by all repositories.")
                .contains("\"defaultValue\": \"30s\"");
    }

    /** Boot's own jars carry a file of the same name; ours is the one that names dualrepo properties. */
    static String ownMetadata() throws IOException {
        ClassLoader loader = DualRepoPropertiesTest.class.getClassLoader();
        for (URL url : Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (text.contains("io.dualrepo.spring.DualRepoProperties")) {
                    return text;
                }
            }
        }
        throw new AssertionError("no META-INF/spring-configuration-metadata.json describes DualRepoProperties");
    }
}
