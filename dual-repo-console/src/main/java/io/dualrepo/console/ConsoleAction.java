package io.dualrepo.console;

/**
 * An action of the application's own that the page offers (start a backfill, run a verification...): posted to
 * {@code <prefix>api/operator/<name>} with a JSON object body, behind the same checks as the stage. Its answer is
 * written as JSON with status 200, or with the status of an {@link Answer}; a {@link ConsoleException} answers with its
 * status and message, anything else with 500 (and is logged).
 */
@FunctionalInterface
public interface ConsoleAction {

    Object perform(ActionRequest request) throws Exception;

    /** An answer with a status other than 200, e.g. 202 for work started in the background. */
    record Answer(int status, Object body) {
        public Answer {
            if (status < 200 || status > 299) {
                throw new IllegalArgumentException("an action's answer is a 2xx, was " + status
                        + "; throw a ConsoleException for errors");
            }
        }
    }
}
