package io.dualrepo.spring.actuate;

import io.dualrepo.spring.actuate.RepositoryDescriptor.RouteDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a stage change asked through the {@code dualrepo} endpoint.
 *
 * @param outcome whether the stage was taken, and if not, why not in one word
 * @param message for people: what happened, and the rule's reason when the stage was refused
 * @param route the route in force after the request, or null for an unknown repository
 */
public record StageChange(String repository, String requested, Outcome outcome, String message,
        @Nullable RouteDescriptor route) {

    /** The outcomes; the web extension answers each with its own HTTP status. */
    public enum Outcome {
        /** The stage is in force. 200. */
        TAKEN,
        /** The migration record's rules, or the runtime, refused it; the route in force stays. 409. */
        REFUSED,
        /** Routes come from a flag service (or the application's own runtime), not from this endpoint. 409. */
        NOT_SETTABLE,
        /** No decorator of that name on this runtime. 404. */
        UNKNOWN_REPOSITORY,
        /** Not one of the stages. 400. */
        UNKNOWN_STAGE
    }
}
