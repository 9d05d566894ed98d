package io.dualrepo.repositories;

/** What a shelf holds: an owner to differ on, and a field some settings mask. */
public record Item(String id, String owner, String ssn) {}
