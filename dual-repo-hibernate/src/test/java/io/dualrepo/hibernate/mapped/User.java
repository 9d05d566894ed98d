package io.dualrepo.hibernate.mapped;

/** A user as the application sees it: one name, which the new model splits in two. */
public record User(Long id, String name) {}
