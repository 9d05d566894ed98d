package io.dualrepo.internal;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Outcome;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.FailedWriteSink;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where comparison outcomes and failed writes go: meters, bounded logs, listeners, the failed-write sink. */
final class Reporter {

    private static final Logger log = LoggerFactory.getLogger("io.dualrepo.Mismatch");
    private static final Logger writeLog = LoggerFactory.getLogger("io.dualrepo.SecondaryWrite");
    private static final Logger hookLog = LoggerFactory.getLogger("io.dualrepo.Hooks");

    private final List<ComparisonListener> listeners;
    private final @Nullable FailedWriteSink failedWriteSink;

    Reporter(Settings settings) {
        this.listeners = settings.listeners();
        this.failedWriteSink = settings.failedWriteSink().orElse(null);
    }

    void comparison(MethodRuntime method, ComparisonResult result) {
        method.meters().comparison(result.outcome(), result.skipReason());
        if (result.outcome() == Outcome.MISMATCH || result.outcome() == Outcome.SECONDARY_ERROR
                || result.outcome() == Outcome.TIMEOUT) {
            logDisagreement(method, result);
        }
        for (ComparisonListener listener : listeners) {
            try {
                listener.onComparison(result);
            } catch (RuntimeException | LinkageError e) {
                method.meters().hookError();
                if (method.hookLogBudget().tryTake(System.nanoTime()) >= 0) {
                    hookLog.warn("{}.{}: comparison listener {} threw; the caller is not affected",
                            method.repository(), method.name(), listener.getClass().getName(), e);
                }
            }
        }
    }

    private void logDisagreement(MethodRuntime method, ComparisonResult result) {
        long suppressedBefore = method.mismatchLogBudget().tryTake(System.nanoTime());
        if (suppressedBefore < 0) {
            method.meters().mismatchLogSuppressed();
            return;
        }
        if (suppressedBefore > 0) {
            log.warn("{}.{}: {} more disagreements in the last minute were counted but not logged",
                    method.repository(), method.name(), suppressedBefore);
        }
        switch (result.outcome()) {
            case MISMATCH -> log.warn("{}.{}: mismatch (caller got {}): {}",
                    method.repository(), method.name(), result.primary(), describe(result.differences()));
            case SECONDARY_ERROR -> log.warn("{}.{}: {} side threw {} while {} answered",
                    method.repository(), method.name(), result.primary().other(), result.secondaryError(),
                    result.primary());
            case TIMEOUT -> log.warn("{}.{}: {} side did not answer within {} ms",
                    method.repository(), method.name(), result.primary().other(),
                    result.secondaryLatency().toMillis());
            default -> { }
        }
    }

    private static String describe(List<Difference> differences) {
        StringBuilder text = new StringBuilder();
        text.append(differences.size()).append(differences.size() == 1 ? " difference" : " differences");
        for (Difference difference : differences) {
            text.append("; ").append(difference.path())
                    .append(": old=").append(difference.oldValue())
                    .append(" new=").append(difference.newValue());
        }
        return text.toString();
    }

    void secondaryWriteFailed(MethodRuntime method, FailedWrite failedWrite) {
        method.meters().secondaryWriteFailed(failedWrite.failedSide());
        failedWriteStands(method, failedWrite);
    }

    /** Logs a failed write already counted, and hands it to the sink. */
    void failedWriteStands(MethodRuntime method, FailedWrite failedWrite) {
        if (method.writeLogBudget().tryTake(System.nanoTime()) >= 0) {
            writeLog.error("{}.{}: write reached {} but not {}; handed to the failed-write sink",
                    method.repository(), method.name(), failedWrite.failedSide().other(), failedWrite.failedSide(),
                    WithheldMessage.of(failedWrite.error()));
        }
        if (failedWriteSink == null) {
            return;
        }
        try {
            failedWriteSink.record(failedWrite);
        } catch (RuntimeException | LinkageError e) {
            method.meters().hookError();
            hookLog.error("{}.{}: failed-write sink threw; this failed write is only in the log above",
                    method.repository(), method.name(), e);
        }
    }
}
