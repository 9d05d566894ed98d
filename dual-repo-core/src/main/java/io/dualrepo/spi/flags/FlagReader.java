package io.dualrepo.spi.flags;

import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.Stage;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * How one flag service's flags read as the parts of a route. {@link FlagRoutes} asks in a fixed order (the stage
 * flag; then, when it gives no stage, read-new, write-old and write-new; then compare) and never asks for a flag
 * it does not need, so that a cached decision costs nothing and an uncached one costs the fewest evaluations.
 *
 * <p>A method throws {@link Refused} when the flag holds a value that cannot be read as what it stands for (a stage
 * name that names no stage, a flag of the wrong type): that is a configuration to fix, counted and logged as a
 * refusal. Any other exception is the service failing, counted as an error.
 *
 * @param <C> the service's evaluation context, made once per decision
 */
public interface FlagReader<C> {

    /** The context a decision for this routing key evaluates in; {@code key} is null for calls without one. */
    C context(@Nullable String key);

    /** The stage the stage flag gives for this context, or null when it gives none (off or missing). */
    @Nullable Stage stage(String flag, C context);

    /** A switch: read-new, write-old or write-new. {@code whenMissing} when the service does not have the flag. */
    boolean enabled(String flag, C context, boolean whenMissing);

    /** The comparison of a route made from the switches. */
    Comparison switchComparison(String flag, C context);

    /** The comparison of a stage that compares ({@code SHADOW}, {@code LIVE}): the stage's own unless set. */
    Comparison stageComparison(String flag, C context);

    /**
     * A summary of the repository's flags for every key at once, compared between two {@link
     * FlagRoutes#announceChanges} to log and count what changed; segments separated by {@code |}, each starting
     * with a one-word name ({@code "read OLD|write BOTH|compare off"}). Null when the service does not show its
     * flags as a whole: then changes of the repository-wide (keyless) route are what is logged and counted.
     */
    default @Nullable String summary() {
        return null;
    }

    /** The stage of that exact name, or null. */
    static @Nullable Stage stageNamed(String name) {
        for (Stage stage : Stage.values()) {
            if (stage.name().equals(name)) {
                return stage;
            }
        }
        return null;
    }

    /** The names a stage flag may hold, for messages. */
    static String stageNames() {
        return Arrays.toString(Stage.values());
    }

    /** A flag value that cannot be read as what the flag stands for; the message names the flag and the value. */
    final class Refused extends RuntimeException {

        public Refused(String message) {
            super(message, null, false, false);
        }
    }
}
