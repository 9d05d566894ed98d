package io.dualrepo.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.DualRepoSettings;
import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.fixtures.notes.InMemoryNotes;
import io.dualrepo.spring.fixtures.notes.Note;
import io.dualrepo.spring.fixtures.notes.NoteRepository;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The runtime the auto-configuration builds: which properties reach it, and which beans of the application win. */
@ExtendWith(OutputCaptureExtension.class)
class DualRepoAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class))
            .withUserConfiguration(NoteModels.class);

    @Test
    void buildsOneDualRepoAndAnInMemoryRouteSourceByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(DualRepo.class).hasSingleBean(RouteSource.class);
            assertThat(context.getBean(RouteSource.class)).isInstanceOf(InMemoryRouteSource.class);
            assertThat(context.getBean(RouteSource.class).name()).isEqualTo("application properties");
            assertThat(context.getBean(DualRepo.class).currentRoute("notes")).isEqualTo(DualRepo.DEFAULT_ROUTE);
        });
    }

    @Test
    void seedsEachRepositoryStageAndTheDefaultStageFromProperties() {
        runner.withPropertyValues("dualrepo.repositories.notes.stage=DUAL_WRITE",
                "dualrepo.default-stage=dual-write", "dualrepo.route-source-name=deploy config")
                .run(context -> {
                    DualRepo dualRepo = context.getBean(DualRepo.class);
                    assertThat(dualRepo.currentRoute("notes")).isEqualTo(Stage.DUAL_WRITE.route());
                    assertThat(dualRepo.currentRoute("elsewhere")).isEqualTo(Stage.DUAL_WRITE.route());
                    assertThat(context.getBean(InMemoryRouteSource.class).name()).isEqualTo("deploy config");
                });
    }

    @Test
    void aStageTheTransitionRulesRefuseDoesNotTakeEffectUnlessTheyAreOff() {
        runner.withPropertyValues("dualrepo.repositories.notes.stage=LIVE").run(context ->
                // NEW was never backfilled nor verified, so it may not serve reads.
                assertThat(context.getBean(DualRepo.class).currentRoute("notes")).isEqualTo(DualRepo.DEFAULT_ROUTE));
        runner.withPropertyValues("dualrepo.repositories.notes.stage=LIVE", "dualrepo.enforce-transitions=false")
                .run(context -> assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                        .isEqualTo(Stage.LIVE.route()));
    }

    @Test
    void theBreakersGoInTheApplicationsResilience4jRegistryWhenItHasOne() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        runner.withBean(CircuitBreakerRegistry.class, () -> registry)
                .withPropertyValues("dualrepo.circuit-breaker.sliding-window-size=40")
                .run(context -> {
                    DualRepo dualRepo = context.getBean(DualRepo.class);
                    assertThat(dualRepo.circuitBreakerRegistry()).isSameAs(registry);
                    dualRepo.circuitState("notes");
                    assertThat(registry.find("dualrepo-notes")).hasValueSatisfying(breaker -> assertThat(
                            breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(40));
                });
        runner.run(context -> assertThat(context.getBean(DualRepo.class).circuitBreakerRegistry()).isNotNull());
    }

    @Test
    void theApplicationsRouteSourceWinsAndTheStagePropertiesAreReportedUnused(CapturedOutput output) {
        runner.withUserConfiguration(OwnRouteSource.class)
                .withPropertyValues("dualrepo.repositories.notes.stage=SHADOW")
                .run(context -> {
                    assertThat(context).hasSingleBean(RouteSource.class)
                            .doesNotHaveBean(DualRepoAutoConfiguration.ROUTE_SOURCE_BEAN);
                    assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                            .isEqualTo(Stage.DUAL_WRITE.route());
                });
        assertThat(output).contains("dualrepo.repositories.*.stage is ignored: the application defines its own"
                + " RouteSource (flags)");
    }

    @Test
    void theApplicationsDualRepoBacksTheRuntimeOffAndTheDecoratorsUseIt() {
        runner.withUserConfiguration(OwnDualRepo.class).run(context -> {
            assertThat(context).hasSingleBean(DualRepo.class).doesNotHaveBean("dualRepo")
                    .doesNotHaveBean(RouteSource.class);
            DualRepo own = context.getBean(DualRepo.class);
            assertThat(own.currentRoute("notes")).isEqualTo(Stage.DUAL_WRITE.route());
            // The decorator routes by the application's runtime: DUAL_WRITE reaches both models.
            context.getBean(NoteRepository.class).save(new Note("n-1", "hello"));
            assertThat(context.getBean(NoteModels.class).oldNotes.rows).containsKey("n-1");
            assertThat(context.getBean(NoteModels.class).newNotes.rows).containsKey("n-1");
        });
    }

    @Test
    void passesEveryRuntimeSettingOnAndCountsInTheApplicationsMeterRegistry() {
        runner.withUserConfiguration(Registry.class)
                .withPropertyValues("dualrepo.repositories.notes.stage=SHADOW", "dualrepo.comparison.mode=SYNC",
                        "dualrepo.comparison.threads=1", "dualrepo.comparison.queue=0",
                        "dualrepo.comparison.timeout=500ms", "dualrepo.comparison.max-differences=3",
                        "dualrepo.circuit-breaker.failure-rate-threshold=25",
                        "dualrepo.circuit-breaker.sliding-window-size=10",
                        "dualrepo.circuit-breaker.wait-duration-in-open-state=5s",
                        "dualrepo.secondary-write-failure-policy=FAIL_CALL", "dualrepo.sensitive-fields=text",
                        "dualrepo.comparison.mismatch-logs-per-minute=4", "dualrepo.write-failure-logs-per-minute=6",
                        "dualrepo.hook-error-logs-per-minute=7", "dualrepo.comparison.budget=0.15",
                        "dualrepo.comparison.budget-window=2s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualRepoSettings settings = context.getBean(DualRepo.class).settings();
                    assertThat(settings.comparisonMode()).isEqualTo(ComparisonMode.SYNC);
                    assertThat(settings.comparisonThreads()).isEqualTo(1);
                    assertThat(settings.comparisonQueue()).isZero();
                    assertThat(settings.comparisonTimeout()).isEqualTo(Duration.ofMillis(500));
                    assertThat(settings.maxDifferences()).isEqualTo(3);
                    assertThat(settings.circuitFailureRate()).isEqualTo(25f);
                    assertThat(settings.circuitWindow()).isEqualTo(10);
                    assertThat(settings.circuitOpenFor()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(settings.secondaryWriteFailurePolicy())
                            .isEqualTo(SecondaryWriteFailurePolicy.FAIL_CALL);
                    assertThat(settings.sensitiveFields()).containsExactly("text");
                    assertThat(settings.mismatchLogsPerMinute()).isEqualTo(4);
                    assertThat(settings.writeFailureLogsPerMinute()).isEqualTo(6);
                    assertThat(settings.hookErrorLogsPerMinute()).isEqualTo(7);
                    assertThat(settings.comparisonBudget()).isEqualTo(0.15);
                    assertThat(settings.comparisonBudgetWindow()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(settings.meterRegistry()).isSameAs(context.getBean(MeterRegistry.class));
                    NoteRepository notes = context.getBean(NoteRepository.class);
                    notes.save(new Note("n-1", "hello"));
                    assertThat(notes.findById("n-1")).contains(new Note("n-1", "hello"));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    // SYNC: the shadow read ran on this thread, so its comparison is already counted.
                    assertThat(registry.get(DualRepoMetrics.COMPARISONS).tag(DualRepoMetrics.TAG_REPOSITORY, "notes")
                            .tag(DualRepoMetrics.TAG_METHOD, "findById").tag(DualRepoMetrics.TAG_OUTCOME, "match")
                            .counter().count()).isEqualTo(1);
                    assertThat(registry.get(DualRepoMetrics.CALLS).tag(DualRepoMetrics.TAG_METHOD, "save")
                            .functionCounters()).isNotEmpty();
                });
    }

    @Test
    void aValueTheRuntimeRefusesFailsStartUpNamingItsProperty() {
        runner.withPropertyValues("dualrepo.comparison.threads=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("comparisonThreads must be at least 1, was 0");
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Invalid dualrepo.comparison.threads: comparisonThreads must be at least 1, was 0");
        });
        runner.withPropertyValues("dualrepo.circuit-breaker.failure-rate-threshold=150").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining(
                        "Invalid dualrepo.circuit-breaker.*: circuit failure rate must be in (0, 100], was 150.0"));
    }

    @Test
    void closingTheContextClosesTheDualRepo() {
        runner.withUserConfiguration(Listener.class)
                .withPropertyValues("dualrepo.repositories.notes.stage=SHADOW", "dualrepo.comparison.mode=ASYNC")
                .run(context -> {
                    NoteRepository notes = context.getBean(NoteRepository.class);
                    List<ComparisonResult> results = context.getBean(Listener.class).results;
                    context.close();
                    // A closed runtime has stopped its comparison threads and skips every shadow read at once.
                    assertThat(notes.findById("n-1")).isEmpty();
                    assertThat(results).singleElement().extracting(ComparisonResult::skipReason)
                            .isEqualTo(SkipReason.SHUTDOWN);
                });
    }

    @Test
    void turnedOffItBuildsNothing() {
        runner.withPropertyValues("dualrepo.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(DualRepo.class).doesNotHaveBean(RouteSource.class)
                .getBeans(NoteRepository.class).hasSize(2));
    }

    @Test
    void warnsOfARepositoryNameThatNoDualModelCarries(CapturedOutput output) {
        runner.withPropertyValues("dualrepo.repositories.nots.stage=DUAL_WRITE").run(context ->
                assertThat(context).hasNotFailed());
        assertThat(output).contains("dualrepo.repositories.nots names no @DualModel interface in the application's"
                + " packages (found: notes)");
    }

    /** The two models of the notes fixture, and the package the decorators are looked for in. */
    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = NoteRepository.class)
    static class NoteModels {

        final InMemoryNotes oldNotes = new InMemoryNotes();
        final InMemoryNotes newNotes = new InMemoryNotes();

        @Bean
        @OldModel
        InMemoryNotes legacyNotes() {
            return oldNotes;
        }

        @Bean
        @NewModel
        InMemoryNotes noteTable() {
            return newNotes;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRouteSource {
        @Bean
        RouteSource flags() {
            return new RouteSource() {
                @Override
                public Optional<io.dualrepo.routing.Route> route(String repository, String routingKey) {
                    return Optional.of(Stage.DUAL_WRITE.route());
                }

                @Override
                public String name() {
                    return "flags";
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDualRepo {
        @Bean
        DualRepo ownDualRepo() {
            return DualRepo.builder().defaultRoute(Stage.DUAL_WRITE).comparisonMode(ComparisonMode.SYNC).build();
        }
    }

    /** The application's comparison listeners reach the runtime. */
    @Configuration(proxyBeanMethods = false)
    static class Listener {
        final List<ComparisonResult> results = new CopyOnWriteArrayList<>();

        @Bean
        ComparisonListener collect() {
            return results::add;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
