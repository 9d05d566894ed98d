package io.dualrepo.benchmarks.endtoend;

/** An incident as the application sees it, whichever model answers. */
public record Incident(long id, String organisationId, String title, String status) {}
