package io.dualrepo.sample.spring;

/** An incident as the application sees it, whichever model stores it. */
public record Incident(String id, String organisationId, String title, String status) {}
