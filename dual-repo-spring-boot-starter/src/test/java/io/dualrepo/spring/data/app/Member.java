package io.dualrepo.spring.data.app;

/** What the application saves: the old model keeps name and team in one column, the new model in two. */
public record Member(String id, String name, String team) {}
