package io.dualrepo.spring.hibernate.app;

/** What the application saves: each model stores it in a table of its own. */
public record Book(String id, String title) {}
