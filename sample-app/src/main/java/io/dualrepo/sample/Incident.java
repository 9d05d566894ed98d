package io.dualrepo.sample;

/** An incident as the application sees it, whichever model stores it. */
public record Incident(String id, String organisationId, String title, String status) {

    public Incident withStatus(String newStatus) {
        return new Incident(id, organisationId, title, newStatus);
    }
}
