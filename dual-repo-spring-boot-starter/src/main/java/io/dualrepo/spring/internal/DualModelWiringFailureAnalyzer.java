package io.dualrepo.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link DualModelWiringException} into Boot's "APPLICATION FAILED TO START" report: the problem and the
 * fix, in place of a stack trace that buries them under bean-creation frames.
 */
public final class DualModelWiringFailureAnalyzer extends AbstractFailureAnalyzer<DualModelWiringException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DualModelWiringException cause) {
        return new FailureAnalysis(cause.problem() + ".", cause.action() + ".", cause);
    }
}
