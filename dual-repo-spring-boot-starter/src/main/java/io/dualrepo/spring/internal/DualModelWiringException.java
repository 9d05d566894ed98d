package io.dualrepo.spring.internal;

import org.springframework.beans.factory.BeanCreationException;

/**
 * A {@code @DualModel} decorator that cannot be wired: a model missing, marked twice, or no generated class. A
 * {@link BeanCreationException} so that Spring reports it as it stands, with the decorator's bean name, instead of
 * wrapping it in "instantiation of supplied bean failed".
 */
public final class DualModelWiringException extends BeanCreationException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String action;

    DualModelWiringException(String beanName, String problem, String action) {
        super(beanName, problem + ". " + action);
        this.problem = problem;
        this.action = action;
    }

    /** What the application should change, for the start-up failure report. */
    public String action() {
        return action;
    }

    /** What is wrong, without the bean name Spring puts before it. */
    public String problem() {
        return problem;
    }
}
