package io.dualrepo.benchmarks.backfill;

/** An incident as the application sees it, whichever table holds it. */
public record Incident(long id, String organisationId, String title, String status) {}
