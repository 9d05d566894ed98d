package io.dualrepo;

import io.dualrepo.compare.ComparisonResult;

/** Thrown in {@link ComparisonMode#STRICT} when the two models disagree on a read. */
public final class MismatchException extends RuntimeException {

    private final transient ComparisonResult result;

    public MismatchException(ComparisonResult result) {
        super(describe(result));
        this.result = result;
    }

    public ComparisonResult result() {
        return result;
    }

    private static String describe(ComparisonResult result) {
        StringBuilder message = new StringBuilder()
                .append(result.repository()).append('.').append(result.method())
                .append(": ").append(result.outcome());
        if (result.secondaryError() != null) {
            message.append(" (secondary threw ").append(result.secondaryError()).append(')');
        }
        result.differences().forEach(d -> message.append("\n  ").append(d));
        return message.toString();
    }
}
