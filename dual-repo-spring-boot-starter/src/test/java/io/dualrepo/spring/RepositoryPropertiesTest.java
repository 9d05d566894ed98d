package io.dualrepo.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.MismatchException;
import io.dualrepo.RepositorySettings;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoAutoConfigurationTest.NoteModels;
import io.dualrepo.spring.DualRepoAutoConfigurationTest.Registry;
import io.dualrepo.spring.fixtures.notes.Note;
import io.dualrepo.spring.fixtures.notes.NoteRepository;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code dualrepo.repositories.<name>.*} beside the stage: one repository's own runtime settings, over the shared
 * ones, Resilience4j-style (a value left unset is the shared one).
 */
@ExtendWith(OutputCaptureExtension.class)
class RepositoryPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class))
            // A registry of the context's own: meters left in Micrometer's global registry would be copied into the
            // registry of any later context that joins it (Boot's do), where its tests would find ours.
            .withUserConfiguration(NoteModels.class, Registry.class);

    @Test
    void aRepositorysOwnSettingsReachTheRuntimeAndWhatItLeavesUnsetIsShared() {
        runner.withPropertyValues("dualrepo.comparison.mode=ASYNC", "dualrepo.sensitive-fields=text",
                        "dualrepo.circuit-breaker.failure-rate-threshold=30",
                        "dualrepo.circuit-breaker.wait-duration-in-open-state=45s",
                        "dualrepo.repositories.notes.comparison.mode=sync",
                        "dualrepo.repositories.notes.comparison.timeout=750ms",
                        "dualrepo.repositories.notes.comparison.max-differences=3",
                        "dualrepo.repositories.notes.circuit-breaker.sliding-window-size=4",
                        "dualrepo.repositories.notes.secondary-write-failure-policy=fail-call",
                        "dualrepo.repositories.notes.sensitive-fields=author,email")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualRepo dualRepo = context.getBean(DualRepo.class);
                    assertThat(dualRepo.settings().comparisonMode()).isEqualTo(ComparisonMode.ASYNC);
                    RepositorySettings notes = dualRepo.settings().repositories().get("notes");
                    assertThat(notes.comparisonMode()).contains(ComparisonMode.SYNC);
                    assertThat(notes.comparisonTimeout()).contains(Duration.ofMillis(750));
                    assertThat(notes.maxDifferences()).hasValue(3);
                    assertThat(notes.secondaryWriteFailurePolicy()).contains(SecondaryWriteFailurePolicy.FAIL_CALL);
                    // Its own names only: the shared "text" is added by the runtime, never dropped.
                    assertThat(notes.sensitiveFields()).containsExactly("author", "email");
                    // The window is its own, the rate and the open time the shared ones.
                    assertThat(notes.circuitWindow()).hasValue(4);
                    assertThat(notes.circuitFailureRate()).contains(30f);
                    assertThat(notes.circuitOpenFor()).contains(Duration.ofSeconds(45));
                    dualRepo.circuitState("notes");
                    CircuitBreakerConfig breaker = dualRepo.circuitBreakerRegistry().circuitBreaker("dualrepo-notes")
                            .getCircuitBreakerConfig();
                    assertThat(breaker.getSlidingWindowSize()).isEqualTo(4);
                    assertThat(breaker.getFailureRateThreshold()).isEqualTo(30f);
                });
    }

    @Test
    void aRepositoryThatSetsOnlyItsStageRunsOnTheSharedSettings() {
        runner.withPropertyValues("dualrepo.repositories.notes.stage=SHADOW")
                .run(context -> assertThat(context.getBean(DualRepo.class).settings().repositories()).isEmpty());
    }

    @Test
    void aStrictRepositoryThrowsOnAMismatchWhileTheSharedModeIsAsynchronous() {
        runner.withPropertyValues("dualrepo.comparison.mode=ASYNC", "dualrepo.enforce-transitions=false",
                        "dualrepo.repositories.notes.stage=SHADOW", "dualrepo.repositories.notes.comparison.mode=STRICT")
                .run(context -> {
                    NoteModels models = context.getBean(NoteModels.class);
                    models.oldNotes.rows.put("n-1", new Note("n-1", "old"));
                    models.newNotes.rows.put("n-1", new Note("n-1", "new"));
                    NoteRepository notes = context.getBean(NoteRepository.class);
                    assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                            .isEqualTo(Stage.SHADOW.route());

                    assertThatThrownBy(() -> notes.findById("n-1")).isInstanceOf(MismatchException.class);
                });
    }

    @Test
    void aValueTheRuntimeRefusesFailsStartUpNamingTheRepositorysProperty() {
        runner.withPropertyValues("dualrepo.repositories.notes.comparison.timeout=0s").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid"
                        + " dualrepo.repositories.notes.comparison.timeout: comparisonTimeout must be positive,"
                        + " was PT0S"));
        runner.withPropertyValues("dualrepo.repositories.notes.circuit-breaker.failure-rate-threshold=150")
                .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid"
                        + " dualrepo.repositories.notes.circuit-breaker.*: circuit failure rate must be in (0, 100],"
                        + " was 150.0"));
        runner.withPropertyValues("dualrepo.repositories.notes.comparison.max-differences=0").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid"
                        + " dualrepo.repositories.notes.comparison.max-differences: maxDifferences must be at least 1,"
                        + " was 0"));
    }

    @Test
    void settingsForANameNoDualModelCarriesAreWarnedOfAtStartUpAndAtClose(CapturedOutput output) {
        runner.withPropertyValues("dualrepo.repositories.nots.comparison.mode=SYNC").run(context -> {
            assertThat(context).hasNotFailed();
            // Built, so that the decorator of "notes" exists when the runtime is closed.
            context.getBean(NoteRepository.class);
        });
        assertThat(output).contains("dualrepo.repositories.nots names no @DualModel interface in the application's"
                + " packages (found: notes)");
        assertThat(output).contains("settings were given for repository 'nots' but no decorator of that name was"
                + " built on this DualRepo (built: notes)");
    }

    /**
     * Boot's metadata has no names with a map key in them, so the processor describes only the map; its description
     * lists the keys of one repository (an IDE completes them from the value type, Repository).
     */
    @Test
    void theMetadataOfTheRepositoriesMapListsEveryKeyOfOneRepository() throws IOException {
        String metadata = DualRepoPropertiesTest.ownMetadata();
        assertThat(metadata).contains("\"type\": \"java.util.Map<java.lang.String,"
                + "io.dualrepo.spring.DualRepoProperties$Repository>\"");
        for (String key : List.of("stage", "comparison.mode", "comparison.timeout",
                "comparison.max-differences", "circuit-breaker.failure-rate-threshold",
                "circuit-breaker.sliding-window-size", "circuit-breaker.wait-duration-in-open-state",
                "secondary-write-failure-policy", "sensitive-fields")) {
            assertThat(metadata).as(key).containsPattern(" " + Pattern.quote(key) + "[, ]");
        }
    }
}
