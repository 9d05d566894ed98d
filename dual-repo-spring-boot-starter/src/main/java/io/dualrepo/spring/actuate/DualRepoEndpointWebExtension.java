package io.dualrepo.spring.actuate;

import io.dualrepo.spring.jobs.JobStart;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Over HTTP, a stage change or a job's start answers with a status that says what happened, so that a deploy script
 * can test it without reading the body: JMX has no statuses, so the endpoint itself answers with the body alone.
 */
@EndpointWebExtension(endpoint = DualRepoEndpoint.class)
public class DualRepoEndpointWebExtension {

    private final DualRepoEndpoint endpoint;

    public DualRepoEndpointWebExtension(DualRepoEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @WriteOperation
    public WebEndpointResponse<StageChange> stage(@Selector String repository, String stage) {
        StageChange change = endpoint.stage(repository, stage);
        int status = switch (change.outcome()) {
            case TAKEN -> WebEndpointResponse.STATUS_OK;
            case REFUSED, NOT_SETTABLE -> 409;
            case UNKNOWN_REPOSITORY -> WebEndpointResponse.STATUS_NOT_FOUND;
            case UNKNOWN_STAGE -> WebEndpointResponse.STATUS_BAD_REQUEST;
        };
        return new WebEndpointResponse<>(change, status);
    }

    /** {@code POST /actuator/dualrepo/{repository}/{job}}: 202 once started, 409 while a job of it runs. */
    @WriteOperation
    public WebEndpointResponse<JobStart> job(@Selector String repository, @Selector String job) {
        JobStart start = endpoint.job(repository, job);
        int status = switch (start.outcome()) {
            case STARTED -> 202;
            case REFUSED -> 409;
            case NO_JOBS, UNKNOWN_REPOSITORY -> WebEndpointResponse.STATUS_NOT_FOUND;
            case UNKNOWN_JOB -> WebEndpointResponse.STATUS_BAD_REQUEST;
        };
        return new WebEndpointResponse<>(start, status);
    }
}
