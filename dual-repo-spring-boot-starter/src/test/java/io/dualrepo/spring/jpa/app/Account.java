package io.dualrepo.spring.jpa.app;

/** What the application saves: the models store it each in a table of its own. */
public record Account(String id, String name) {}
