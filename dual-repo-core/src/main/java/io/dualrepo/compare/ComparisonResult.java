package io.dualrepo.compare;

import io.dualrepo.Side;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one comparison found, as listeners receive it. It carries no raw values, only rendered and masked
 * differences, so it is safe to store or forward.
 *
 * @param repository the {@code @DualModel} name
 * @param method the method, with parameter types when the name is overloaded
 * @param primary the model whose answer the caller got
 * @param outcome how it ended
 * @param skipReason why it was skipped, or null
 * @param differences where the answers differ (empty unless MISMATCH); at most the configured maximum
 * @param secondaryError the class of the secondary's exception when it threw (never its message, which may quote
 *     the values read), {@code "timed out"} when it did not answer in time, or null
 * @param secondaryLatency how long the secondary took, or {@link Duration#ZERO} when it was not called
 */
public record ComparisonResult(
        String repository,
        String method,
        Side primary,
        Outcome outcome,
        @Nullable SkipReason skipReason,
        List<Difference> differences,
        @Nullable String secondaryError,
        Duration secondaryLatency) {

    public ComparisonResult {
        differences = List.copyOf(differences);
    }
}
