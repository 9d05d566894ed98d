package io.dualrepo.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualrepo.CircuitState;
import io.dualrepo.DualRepo;
import io.dualrepo.record.Origin;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import io.dualrepo.spring.actuate.StageChange.Outcome;
import io.dualrepo.spring.fixtures.notes.InMemoryNotes;
import io.dualrepo.spring.jobs.JobStart;
import io.dualrepo.spring.jobs.MigrationJobs;
import io.dualrepo.spring.fixtures.notes.Note;
import io.dualrepo.spring.fixtures.notes.NoteRepository;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The endpoint and health indicator in real contexts, called as Actuator calls them (HTTP: DualRepoHttpTest). */
class DualRepoActuatorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class,
                    DualRepoActuatorAutoConfiguration.class))
            .withUserConfiguration(Notes.class)
            .withPropertyValues("management.endpoints.web.exposure.include=dualrepo",
                    "dualrepo.repositories.notes.stage=DUAL_WRITE");

    @Test
    void showsEachDecoratedRepositorysRouteRecordHistoryAndBreaker() {
        runner.run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            assertThat(endpoint.repositories().repositories()).containsOnlyKeys("notes");
            RepositoryDescriptor notes = endpoint.repository("notes");
            assertThat(notes.route()).isEqualTo(new RepositoryDescriptor.RouteDescriptor("OLD", "BOTH", "off",
                    "DUAL_WRITE"));
            assertThat(notes.routeSource()).isEqualTo("application properties");
            assertThat(notes.stageSettable()).isTrue();
            assertThat(notes.circuit()).isEqualTo("CLOSED");
            assertThat(notes.lastRefusal()).isNull();
            assertThat(notes.record().route().stage()).isEqualTo("DUAL_WRITE");
            assertThat(notes.record().oldSide().status()).isEqualTo("COMPLETE");
            assertThat(notes.record().newSide().status()).isEqualTo("CATCHING_UP");
            assertThat(notes.record().newSide().servesReads()).isFalse();
            assertThat(notes.history()).first().satisfies(entry -> {
                assertThat(entry.origin()).isEqualTo(Origin.ROUTE_SOURCE.name());
                assertThat(entry.from()).isEqualTo("OLD_ONLY");
                assertThat(entry.to()).isEqualTo("DUAL_WRITE");
                assertThat(entry.by()).isEqualTo("application properties");
            });
        });
    }

    @Test
    void showsComparisonCountsAndTheLatestMismatchesMasked() {
        runner.withPropertyValues("dualrepo.repositories.notes.stage=SHADOW", "dualrepo.enforce-transitions=false",
                "dualrepo.comparison.mode=SYNC", "dualrepo.sensitive-fields=text")
                .run(context -> {
                    InMemoryNotes oldModel = context.getBean("legacyNotes", InMemoryNotes.class);
                    InMemoryNotes newModel = (InMemoryNotes) context.getBean("noteTable", NoteRepository.class);
                    oldModel.rows.put("n-1", new Note("n-1", "secret one"));
                    newModel.rows.put("n-1", new Note("n-1", "secret two"));
                    oldModel.rows.put("n-2", new Note("n-2", "same"));
                    newModel.rows.put("n-2", new Note("n-2", "same"));
                    NoteRepository notes = context.getBean(NoteRepository.class);

                    notes.findById("n-1");
                    notes.findById("n-2");
                    notes.findById("n-2");

                    RecentComparisons.ComparisonsDescriptor compared = context.getBean(DualRepoEndpoint.class)
                            .repository("notes").comparisons();
                    assertThat(compared.outcomes()).containsEntry("MISMATCH", 1L).containsEntry("MATCH", 2L);
                    assertThat(compared.latestMismatches()).singleElement().satisfies(mismatch -> {
                        assertThat(mismatch.method()).isEqualTo("findById");
                        assertThat(mismatch.primary()).isEqualTo("OLD");
                        assertThat(mismatch.differences()).singleElement().asString()
                                .contains("text").doesNotContain("secret");
                    });
                });
    }

    @Test
    void withoutAMigrationTheRepositoryHasNoJobsAndAskingForOneSaysWhatToDefine() {
        runner.run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            assertThat(context).doesNotHaveBean(MigrationJobs.class);
            assertThat(endpoint.repository("notes").jobs()).isNull();
            JobStart start = endpoint.job("notes", "backfill");
            assertThat(start.outcome()).isEqualTo(JobStart.Outcome.NO_JOBS);
            assertThat(start.message()).isEqualTo("no jobs on this runtime: define a Migration bean named 'notes'"
                    + " (dual-repo-hibernate) to backfill and verify it");
            assertThat(endpoint.job("notes", "repair").outcome()).isEqualTo(JobStart.Outcome.UNKNOWN_JOB);
            assertThat(endpoint.job("nots", "backfill").outcome()).isEqualTo(JobStart.Outcome.UNKNOWN_REPOSITORY);
        });
    }

    @Test
    void anUnknownRepositoryIsNotFoundAndNoRecordIsStartedForIt() {
        runner.run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            DualRepo dualRepo = context.getBean(DualRepo.class);
            assertThat(endpoint.repository("nots")).isNull();
            assertThat(endpoint.stage("nots", "SHADOW").outcome()).isEqualTo(Outcome.UNKNOWN_REPOSITORY);
            assertThat(dualRepo.migrationRecord().history("nots", 10)).isEmpty();
        });
    }

    @Test
    void aStageTheRulesRefuseAnswersTheReasonAndTheRouteStays() {
        runner.run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            DualRepo dualRepo = context.getBean(DualRepo.class);
            StageChange change = endpoint.stage("notes", "live");

            String reason = dualRepo.transitionProblem("notes", Stage.LIVE.route()).orElseThrow();

            assertThat(change.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(change.message()).isEqualTo("LIVE refused, DUAL_WRITE stays: " + reason);
            assertThat(change.route().stage()).isEqualTo("DUAL_WRITE");
            assertThat(dualRepo.currentRoute("notes")).isEqualTo(Stage.DUAL_WRITE.route());
            // Judged before it was offered: the runtime never saw it, so it neither refused nor logged it, and it
            // cannot take effect by itself once NEW is complete.
            assertThat(dualRepo.lastRefusal("notes")).isEmpty();
            assertThat(context.getBean(InMemoryRouteSource.class).route("notes", null))
                    .contains(Stage.DUAL_WRITE.route());
        });
    }

    @Test
    void aStageTheRulesAllowIsTakenAndRecorded() {
        runner.run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            StageChange change = endpoint.stage("notes", "SHADOW");
            assertThat(change.outcome()).isEqualTo(Outcome.TAKEN);
            assertThat(change.route().stage()).isEqualTo("SHADOW");
            assertThat(context.getBean(DualRepo.class).currentRoute("notes")).isEqualTo(Stage.SHADOW.route());
            assertThat(endpoint.repository("notes").history().get(0).to()).isEqualTo("SHADOW");
            assertThat(endpoint.stage("notes", "SIDEWAYS").outcome()).isEqualTo(Outcome.UNKNOWN_STAGE);
        });
    }

    @Test
    void routesFromTheApplicationsOwnSourceAreNotSetHere() {
        RouteSource flags = new RouteSource() {
            @Override
            public Optional<io.dualrepo.routing.Route> route(String repository, String routingKey) {
                return Optional.of(Stage.DUAL_WRITE.route());
            }

            @Override
            public String name() {
                return "flag service";
            }
        };
        runner.withBean(RouteSource.class, () -> flags).run(context -> {
            DualRepoEndpoint endpoint = context.getBean(DualRepoEndpoint.class);
            assertThat(endpoint.repository("notes").stageSettable()).isFalse();
            assertThat(endpoint.repository("notes").routeSource()).isEqualTo("flag service");
            StageChange change = endpoint.stage("notes", "SHADOW");
            assertThat(change.outcome()).isEqualTo(Outcome.NOT_SETTABLE);
            assertThat(change.message()).startsWith("routes come from flag service, not from this endpoint");
            assertThat(context.getBean(DualRepo.class).currentRoute("notes")).isEqualTo(Stage.DUAL_WRITE.route());
        });
    }

    @Test
    void healthIsUpWithAnOpenBreakerAndARefusalInTheDetails() {
        runner.withBean(FailingReads.class)
                .withPropertyValues("dualrepo.repositories.notes.stage=SHADOW", 
                        "dualrepo.circuit-breaker.sliding-window-size=2")
                .run(context -> {
                    DualRepoHealthIndicator indicator = context.getBean("dualrepoHealthIndicator",
                            DualRepoHealthIndicator.class);
                    assertThat(indicator.health().getDetails()).containsEntry("warnings", List.of());

                    NoteRepository notes = context.getBean(NoteRepository.class);
                    DualRepo dualRepo = context.getBean(DualRepo.class);
                    // Shadow reads run off the caller's thread: read until the failures reach the breaker.
                    await().atMost(Duration.ofSeconds(10)).until(() -> {
                        notes.findById("n-1");
                        return dualRepo.circuitState("notes") == CircuitState.OPEN;
                    });
                    // The routes bean is what an operator would reach past the endpoint: the runtime refuses it.
                    context.getBean(InMemoryRouteSource.class).set("notes", Stage.LIVE);
                    assertThat(dualRepo.currentRoute("notes")).isEqualTo(Stage.SHADOW.route());

                    Health health = indicator.health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> repositories =
                            (Map<String, Map<String, Object>>) health.getDetails().get("repositories");
                    assertThat(repositories.get("notes")).containsEntry("stage", "SHADOW")
                            .containsEntry("circuit", "OPEN")
                            .containsEntry("lastRefusal", dualRepo.lastRefusal("notes").orElseThrow());
                    assertThat(health.getDetails()).containsEntry("warnings", List.of(
                            "notes: circuit breaker OPEN, comparisons are skipped",
                            "notes: the route offered was refused, SHADOW stays"));
                });
    }

    @Test
    void nothingWithoutActuatorOrWhenTheEndpointIsNotExposed() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DualRepo.class);
            assertThat(context).doesNotHaveBean(DualRepoEndpoint.class).doesNotHaveBean(DualRepoHealthIndicator.class);
        });
        runner.withPropertyValues("management.endpoints.web.exposure.include=health").run(context -> {
            assertThat(context).doesNotHaveBean(DualRepoEndpoint.class)
                    .doesNotHaveBean(DualRepoEndpointWebExtension.class);
            assertThat(context).hasSingleBean(DualRepoHealthIndicator.class);
        });
        runner.withPropertyValues("management.health.dualrepo.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DualRepoHealthIndicator.class)
                        .hasSingleBean(DualRepoEndpointWebExtension.class));
    }

    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = NoteRepository.class)
    static class Notes {

        @Bean
        @OldModel
        InMemoryNotes legacyNotes() {
            return new InMemoryNotes();
        }

        @Bean
        @NewModel
        NoteRepository noteTable(Optional<FailingReads> failing) {
            return failing.<NoteRepository>map(f -> f).orElseGet(InMemoryNotes::new);
        }
    }

    /** A new model whose reads fail, to open the breaker; registered by the test that needs it. */
    static class FailingReads implements NoteRepository {

        @Override
        public Optional<Note> findById(String id) {
            throw new IllegalStateException("the new table is unreachable");
        }

        @Override
        public void save(Note note) {}
    }
}
