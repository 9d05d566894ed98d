package io.dualrepo.sample;

import io.dualrepo.record.MigrationState;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The migration record as the demo prints it at the end: what a person auditing the migration would read. */
final class RecordReport {

    /** More than the demo's walk records, so that it prints the whole history. */
    static final int HISTORY_SHOWN = 50;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private RecordReport() {}

    /** Each side's standing, then the history, oldest first. */
    static void print(PrintStream out, MigrationState state, List<RecordEntry> newestFirst) {
        out.println();
        out.println("migration record (tables dualrepo_migration and dualrepo_migration_history in the old model's"
                + " database):");
        out.println("  route " + stageName(state.route()) + " since " + TIME.format(state.routeSince()) + "; OLD "
                + standing(state.oldSide()) + "; NEW " + standing(state.newSide()));
        List<RecordEntry> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        for (RecordEntry entry : oldestFirst) {
            if (entry.to() == null) {
                out.printf("  %s  %-13s %s: %s%n", TIME.format(entry.at()), entry.origin(), entry.by(),
                        entry.detail());
            } else {
                String route = entry.from() == null || entry.from().equals(entry.to()) ? stageName(entry.to())
                        : stageName(entry.from()) + " -> " + stageName(entry.to());
                out.printf("  %s  %-13s %-24s by %s%n", TIME.format(entry.at()), entry.origin(), route, entry.by());
            }
        }
    }

    /** A route as people name it: its preset stage's name, else its parts. */
    static String stageName(Route route) {
        return Arrays.stream(Stage.values()).filter(stage -> stage.route().equals(route)).findFirst()
                .map(Stage::name).orElse(route.toString());
    }

    private static String standing(SideState side) {
        return side.status() + " since " + TIME.format(side.since()) + (side.forced() ? " (forced)" : "");
    }
}
