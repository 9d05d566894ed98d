package io.dualrepo.spring.actuate;

import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.actuate.RecentComparisons.ComparisonsDescriptor;
import io.dualrepo.spring.jobs.JobState;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One repository as the {@code dualrepo} endpoint shows it. Times are ISO-8601 strings rather than {@link Instant}s
 * so that the JSON does not depend on how the application configured its JSON mapper, and JMX shows them alike.
 *
 * @param route the route in force on this instance
 * @param routeSource the name of the source routes come from, or null when the application's own {@code DualRepo}
 *     does not expose it as a bean
 * @param stageSettable whether the endpoint's write operation may set the stage
 * @param circuit the shadow-read circuit breaker's state
 * @param lastRefusal why the route last offered was refused, while it is still offered; or null
 * @param record the migration record's state, or null when it could not be read (then {@code recordError} says so)
 * @param recordError why the record is missing, or null
 * @param history the newest route-history entries, newest first
 * @param jobs this instance's last or current backfill and verification, or null when the repository has no jobs
 *     (no {@code Migration} bean of its name, or no dual-repo-hibernate)
 * @param comparisons outcome counts since start and the latest mismatches, masked; or null when the endpoint keeps
 *     none
 */
public record RepositoryDescriptor(RouteDescriptor route, @Nullable String routeSource, boolean stageSettable,
        String circuit, @Nullable String lastRefusal, @Nullable RecordDescriptor record, @Nullable String recordError,
        List<EntryDescriptor> history, @Nullable JobsDescriptor jobs, @Nullable ComparisonsDescriptor comparisons) {

    /** Each job's last or current run on this instance; null for a job not run since the application started. */
    public record JobsDescriptor(@Nullable JobState backfill, @Nullable JobState verify) {
    }

    /**
     * @param stage the preset the route matches, or null: a route set through flags need not be a preset
     */
    public record RouteDescriptor(String read, String write, String compare, @Nullable String stage) {

        static RouteDescriptor of(Route route) {
            return new RouteDescriptor(route.read().name(), route.write().name(), route.compare().toString(),
                    stageOf(route).map(Stage::name).orElse(null));
        }
    }

    /** @param route the route last taken by any instance, as the record holds it */
    public record RecordDescriptor(long version, RouteDescriptor route, @Nullable String routeSince,
            SideDescriptor oldSide, SideDescriptor newSide) {
    }

    public record SideDescriptor(String status, @Nullable String since, @Nullable String backfilledAt,
            @Nullable String missedSince, boolean forced, boolean servesReads) {

        static SideDescriptor of(SideState side) {
            return new SideDescriptor(side.status().name(), time(side.since()), time(side.backfilledAt()),
                    time(side.missedSince()), side.forced(), side.servesReads());
        }
    }

    public record EntryDescriptor(String at, String origin, @Nullable String from, @Nullable String to,
            @Nullable String by, @Nullable String detail) {

        static EntryDescriptor of(RecordEntry entry) {
            return new EntryDescriptor(entry.at().toString(), entry.origin().name(), label(entry.from()),
                    label(entry.to()), entry.by(), entry.detail());
        }
    }

    static @Nullable String time(@Nullable Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** A route as people name it: its preset's name, else its three switches. */
    static @Nullable String label(@Nullable Route route) {
        return route == null ? null : stageOf(route).map(Stage::name).orElse(route.toString());
    }

    static Optional<Stage> stageOf(Route route) {
        return Arrays.stream(Stage.values()).filter(stage -> stage.route().equals(route)).findFirst();
    }
}
