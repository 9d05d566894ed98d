package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Outcome;
import io.dualrepo.compare.SkipReason;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Decides the outcome of one comparison from what both models did. */
final class Judge {

    private Judge() {}

    static ComparisonResult judge(
            MethodRuntime method, Side primary, Answer primaryAnswer, Answer secondaryAnswer, long secondaryNanos) {
        Duration latency = Duration.ofNanos(secondaryNanos);
        Object primaryResult = primaryAnswer.result();
        Throwable primaryError = primaryAnswer.error();
        Object secondaryResult = secondaryAnswer.result();
        Throwable secondaryError = secondaryAnswer.error();
        if (primaryError != null || secondaryError != null) {
            if (primaryError != null && secondaryError != null) {
                // Both refusing the same request the same way is agreement (e.g. both say "not found").
                if (primaryError.getClass() == secondaryError.getClass()) {
                    return result(method, primary, Outcome.MATCH, List.of(), null, latency);
                }
            } else if (primaryError == null && secondaryError != null) {
                return result(method, primary, Outcome.SECONDARY_ERROR, List.of(),
                        secondaryError.getClass().getName(), latency);
            }
            Object oldSide = primary == Side.OLD ? describe(method, primaryResult, primaryError)
                    : describe(method, secondaryResult, secondaryError);
            Object newSide = primary == Side.OLD ? describe(method, secondaryResult, secondaryError)
                    : describe(method, primaryResult, primaryError);
            return result(method, primary, Outcome.MISMATCH,
                    List.of(new Difference("$", oldSide.toString(), newSide.toString())), null, latency);
        }
        Object oldValue = primary == Side.OLD ? primaryResult : secondaryResult;
        Object newValue = primary == Side.OLD ? secondaryResult : primaryResult;
        List<Difference> differences;
        if (method.equivalence() != null) {
            boolean equivalent;
            try {
                equivalent = method.equivalence().equivalent(oldValue, newValue);
            } catch (RuntimeException e) {
                return result(method, primary, Outcome.SECONDARY_ERROR, List.of(),
                        "custom equivalence threw " + e.getClass().getName(), latency);
            }
            differences = equivalent ? List.of() : List.of(new Difference(
                    "$", method.renderer().render(oldValue), method.renderer().render(newValue)));
        } else {
            try {
                differences = method.comparator().diff(oldValue, newValue);
            } catch (RuntimeException | StackOverflowError e) {
                // A getter or equals() inside the results threw; the comparison says so instead of guessing.
                return result(method, primary, Outcome.SECONDARY_ERROR, List.of(),
                        "comparison failed: " + e.getClass().getName(), latency);
            }
        }
        return result(method, primary, differences.isEmpty() ? Outcome.MATCH : Outcome.MISMATCH, differences,
                null, latency);
    }

    // Exceptions are shown by class only: their messages often quote the data (constraint violations do).
    private static String describe(MethodRuntime method, @Nullable Object result, @Nullable Throwable error) {
        return error != null ? "threw " + error.getClass().getName() : method.renderer().render(result);
    }

    static ComparisonResult timeout(MethodRuntime method, Side primary, long nanos) {
        return result(method, primary, Outcome.TIMEOUT, List.of(), "timed out", Duration.ofNanos(nanos));
    }

    static ComparisonResult skipped(MethodRuntime method, Side primary, SkipReason reason) {
        return new ComparisonResult(method.repository(), method.name(), primary, Outcome.SKIPPED, reason,
                List.of(), null, Duration.ZERO);
    }

    private static ComparisonResult result(MethodRuntime method, Side primary, Outcome outcome,
            List<Difference> differences, @Nullable String secondaryError, Duration latency) {
        return new ComparisonResult(method.repository(), method.name(), primary, outcome, null, differences,
                secondaryError, latency);
    }
}
