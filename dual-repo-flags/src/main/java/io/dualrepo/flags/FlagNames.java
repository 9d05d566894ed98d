package io.dualrepo.flags;

import io.dualrepo.spi.flags.FlagKeys;
import java.util.List;
import java.util.Objects;

/**
 * The Unleash flags that route one {@code @DualModel} repository. For {@code @DualModel("incidents")} and the
 * default prefix:
 *
 * <table>
 *   <caption>Flags of the "incidents" repository</caption>
 *   <tr><th>flag</th><th>when on</th><th>when off or missing</th></tr>
 *   <tr><td>{@code dualrepo.incidents.read-new}</td><td>reads come from NEW</td><td>from OLD: switching it off
 *       is the rollback</td></tr>
 *   <tr><td>{@code dualrepo.incidents.write-old}</td><td>writes reach OLD</td><td>they do not; missing counts
 *       as on, so that no flag at all means OLD_ONLY</td></tr>
 *   <tr><td>{@code dualrepo.incidents.write-new}</td><td>writes reach NEW</td><td>they do not</td></tr>
 *   <tr><td>{@code dualrepo.incidents.compare}</td><td>reads are compared; its gradual-rollout percentage is
 *       the share of reads compared</td><td>no comparison</td></tr>
 *   <tr><td>{@code dualrepo.incidents.stage}</td><td>its variant names a {@link io.dualrepo.routing.Stage}
 *       and that stage's route is taken, overriding the four switches</td><td>the switches decide</td></tr>
 * </table>
 *
 * <p>A rollout on {@code read-new}, {@code write-old}, {@code write-new} or {@code stage} is keyed by the call's
 * routing key (Unleash's {@code userId}), so the same keys take the same route on every call.
 */
public record FlagNames(String readNew, String writeOld, String writeNew, String compare, String stage) {

    /** Prepended to every flag name. */
    public static final String DEFAULT_PREFIX = "dualrepo.";

    public FlagNames {
        Objects.requireNonNull(readNew, "readNew");
        Objects.requireNonNull(writeOld, "writeOld");
        Objects.requireNonNull(writeNew, "writeNew");
        Objects.requireNonNull(compare, "compare");
        Objects.requireNonNull(stage, "stage");
    }

    /** The flags of a repository under the default prefix. */
    public static FlagNames of(String repository) {
        return of(DEFAULT_PREFIX, repository);
    }

    /** The flags of a repository under another prefix (for instance one per service or per test run). */
    public static FlagNames of(String prefix, String repository) {
        // One naming scheme for every flag source: the OpenFeature source names its flags the same way.
        FlagKeys keys = FlagKeys.of(prefix, repository);
        return new FlagNames(keys.readNew(), keys.writeOld(), keys.writeNew(), keys.compare(), keys.stage());
    }

    public List<String> all() {
        return List.of(readNew, writeOld, writeNew, compare, stage);
    }
}
