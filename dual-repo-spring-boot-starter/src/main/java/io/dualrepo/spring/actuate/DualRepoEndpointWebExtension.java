package io.dualrepo.spring.actuate;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Over HTTP, a stage change answers with a status that says what happened, so that a deploy script can test it
 * without reading the body: JMX has no statuses, so the endpoint itself answers with {@link StageChange} alone.
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
}
