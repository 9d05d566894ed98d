package io.dualrepo.spring.actuate;

import io.dualrepo.DualRepo;
import io.dualrepo.record.MigrationState;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.spring.actuate.RecentComparisons.ComparisonsDescriptor;
import io.dualrepo.spring.actuate.RepositoryDescriptor.EntryDescriptor;
import io.dualrepo.spring.actuate.RepositoryDescriptor.JobsDescriptor;
import io.dualrepo.spring.actuate.RepositoryDescriptor.RecordDescriptor;
import io.dualrepo.spring.actuate.RepositoryDescriptor.RouteDescriptor;
import io.dualrepo.spring.actuate.RepositoryDescriptor.SideDescriptor;
import io.dualrepo.spring.actuate.StageChange.Outcome;
import io.dualrepo.spring.jobs.Job;
import io.dualrepo.spring.jobs.JobStart;
import io.dualrepo.spring.jobs.MigrationJobs;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code dualrepo} Actuator endpoint: each decorated repository's route, migration record, route history, last
 * refusal, circuit breaker and jobs; a stage change where the starter's in-memory route source holds the routes; and
 * the repository's backfill and verification where a {@code Migration} bean of its name exists.
 *
 * <p>Only names in {@link DualRepo#decoratedRepositories()} are answered: reading the state of any other name would
 * start a record for it, so a misspelt name in a URL would leave a repository behind in the record.
 */
@Endpoint(id = "dualrepo")
public class DualRepoEndpoint {

    /** How many route-history entries each repository shows, newest first. */
    public static final int HISTORY_SHOWN = 20;

    private static final Logger log = LoggerFactory.getLogger(DualRepoEndpoint.class);

    private final DualRepo dualRepo;
    private final @Nullable InMemoryRouteSource stageControl;
    private final @Nullable String routeSource;
    private final @Nullable MigrationJobs jobs;
    private final @Nullable RecentComparisons comparisons;

    /** An endpoint without jobs: every backfill or verification asked of it answers {@code NO_JOBS}. */
    public DualRepoEndpoint(DualRepo dualRepo, @Nullable InMemoryRouteSource stageControl,
            @Nullable String routeSource) {
        this(dualRepo, stageControl, routeSource, null);
    }

    /**
     * @param stageControl the starter's in-memory route source, or null when routes come from elsewhere (a flag
     *     service, the application's own runtime): stages set there would be overwritten or never read
     * @param routeSource the name of the source the runtime reads routes from, or null when unknown
     * @param jobs the backfill and verification of the repositories that have a {@code Migration} bean, or null
     */
    public DualRepoEndpoint(DualRepo dualRepo, @Nullable InMemoryRouteSource stageControl,
            @Nullable String routeSource, @Nullable MigrationJobs jobs) {
        this(dualRepo, stageControl, routeSource, jobs, null);
    }

    /**
     * @param comparisons what the endpoint shows of comparisons, a listener of {@code dualRepo}'s; or null to show
     *     none
     */
    public DualRepoEndpoint(DualRepo dualRepo, @Nullable InMemoryRouteSource stageControl,
            @Nullable String routeSource, @Nullable MigrationJobs jobs, @Nullable RecentComparisons comparisons) {
        this.comparisons = comparisons;
        this.dualRepo = dualRepo;
        this.stageControl = stageControl;
        this.routeSource = routeSource;
        this.jobs = jobs;
    }

    @ReadOperation
    public Repositories repositories() {
        Map<String, RepositoryDescriptor> repositories = new LinkedHashMap<>();
        new TreeSet<>(dualRepo.decoratedRepositories()).forEach(name -> repositories.put(name, describe(name)));
        return new Repositories(repositories);
    }

    /** One repository; null (404 over HTTP) for a name no decorator was built for. */
    @ReadOperation
    public @Nullable RepositoryDescriptor repository(@Selector String repository) {
        return dualRepo.decoratedRepositories().contains(repository) ? describe(repository) : null;
    }

    /**
     * Sets a repository's stage if the migration record's rules allow it; else answers the rule's reason and the
     * route in force stays. Judged before the stage is offered, so that a refused stage never waits in the route
     * source to take effect on its own once the evidence arrives; and judged again by the runtime as it takes it.
     * Synchronized so that two requests cannot interleave between the judgement and the offer.
     */
    @WriteOperation
    public synchronized StageChange stage(@Selector String repository, String stage) {
        if (!dualRepo.decoratedRepositories().contains(repository)) {
            return new StageChange(repository, stage, Outcome.UNKNOWN_REPOSITORY, "no decorator named '"
                    + repository + "' on this runtime; it has " + new TreeSet<>(dualRepo.decoratedRepositories()),
                    null);
        }
        Route before = dualRepo.currentRoute(repository);
        if (stageControl == null) {
            return new StageChange(repository, stage, Outcome.NOT_SETTABLE, "routes come from "
                    + (routeSource == null ? "the application's own route source" : routeSource)
                    + ", not from this endpoint: change the stage there", RouteDescriptor.of(before));
        }
        Optional<Stage> wanted = Arrays.stream(Stage.values())
                .filter(candidate -> candidate.name().equals(stage.strip().toUpperCase(Locale.ROOT))).findFirst();
        if (wanted.isEmpty()) {
            return new StageChange(repository, stage, Outcome.UNKNOWN_STAGE, "unknown stage '" + stage
                    + "': expected one of " + Arrays.toString(Stage.values()), RouteDescriptor.of(before));
        }
        Optional<String> problem = dualRepo.transitionProblem(repository, wanted.get().route());
        if (problem.isPresent()) {
            return refused(repository, wanted.get(), before, problem.get());
        }
        stageControl.set(repository, wanted.get());
        Route taken = dualRepo.currentRoute(repository);
        if (!taken.equals(wanted.get().route())) {
            // The runtime has checks of its own and the record may have changed meanwhile: offer the route in force
            // again, so that the refused one does not wait in the source.
            stageControl.set(repository, taken);
            return refused(repository, wanted.get(), taken, dualRepo.lastRefusal(repository)
                    .orElse("the runtime kept " + RepositoryDescriptor.label(taken)));
        }
        log.info("{}: stage set to {} through the dualrepo endpoint", repository, wanted.get());
        return new StageChange(repository, stage, Outcome.TAKEN, wanted.get() + " in force",
                RouteDescriptor.of(taken));
    }

    /**
     * Starts a repository's backfill or verification on a thread of its own and answers at once; the repository's
     * state shows the job as it runs and how it ended. Each job hands its evidence to the migration record and has
     * the runtime read the record again, so that a stage its evidence allows is taken as soon as it shows finished.
     */
    @WriteOperation
    public JobStart job(@Selector String repository, @Selector String job) {
        if (!dualRepo.decoratedRepositories().contains(repository)) {
            return new JobStart(repository, job, JobStart.Outcome.UNKNOWN_REPOSITORY, "no decorator named '"
                    + repository + "' on this runtime; it has " + new TreeSet<>(dualRepo.decoratedRepositories()),
                    null);
        }
        Optional<Job> wanted = Job.named(job);
        if (wanted.isEmpty()) {
            return new JobStart(repository, job, JobStart.Outcome.UNKNOWN_JOB, "unknown job '" + job
                    + "': expected " + Arrays.stream(Job.values()).map(Job::path).toList(), null);
        }
        if (jobs == null) {
            return new JobStart(repository, job, JobStart.Outcome.NO_JOBS, "no jobs on this runtime: define a"
                    + " Migration bean named '" + repository + "' (dual-repo-hibernate) to backfill and verify it",
                    null);
        }
        return jobs.start(repository, wanted.get());
    }

    private StageChange refused(String repository, Stage stage, Route kept, String reason) {
        String message = stage + " refused, " + RepositoryDescriptor.label(kept) + " stays: " + reason;
        // The runtime logs the refusals it makes; this one was judged before the route source saw it.
        log.warn("{}: {} (asked through the dualrepo endpoint)", repository, message);
        return new StageChange(repository, stage.name(), Outcome.REFUSED, message, RouteDescriptor.of(kept));
    }

    private RepositoryDescriptor describe(String repository) {
        // The runtime's own state first: it holds even while the record's database cannot be read.
        RouteDescriptor route = RouteDescriptor.of(dualRepo.currentRoute(repository));
        JobsDescriptor jobs = this.jobs == null || !this.jobs.repositories().contains(repository) ? null
                : new JobsDescriptor(this.jobs.state(repository, Job.BACKFILL).orElse(null),
                        this.jobs.state(repository, Job.VERIFY).orElse(null));
        ComparisonsDescriptor compared = comparisons == null ? null : comparisons.of(repository);
        String circuit = dualRepo.circuitState(repository).name();
        String lastRefusal = dualRepo.lastRefusal(repository).orElse(null);
        try {
            MigrationState state = dualRepo.migrationState(repository);
            List<EntryDescriptor> history = dualRepo.migrationRecord().history(repository, HISTORY_SHOWN).stream()
                    .map(EntryDescriptor::of).toList();
            RecordDescriptor record = new RecordDescriptor(state.version(), RouteDescriptor.of(state.route()),
                    RepositoryDescriptor.time(state.routeSince()), SideDescriptor.of(state.oldSide()),
                    SideDescriptor.of(state.newSide()));
            return new RepositoryDescriptor(route, routeSource, stageControl != null, circuit, lastRefusal, record,
                    null, history, jobs, compared);
        } catch (RuntimeException e) {
            // A database message may quote row values: it goes to the log withheld, never into the answer.
            log.warn("the dualrepo endpoint could not read the migration record of {}", repository,
                    WithheldMessage.of(e));
            return new RepositoryDescriptor(route, routeSource, stageControl != null, circuit, lastRefusal, null,
                    "the migration record could not be read (details in the server's log)", List.of(), jobs,
                    compared);
        }
    }

    /** Every decorated repository by name, in name order. */
    public record Repositories(Map<String, RepositoryDescriptor> repositories) {
    }
}
