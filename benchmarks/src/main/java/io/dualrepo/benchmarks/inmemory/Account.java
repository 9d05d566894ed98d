package io.dualrepo.benchmarks.inmemory;

/** What both in-memory models store and answer with. */
public record Account(long id, String owner, String plan, long balanceCents) {}
