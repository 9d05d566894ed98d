package io.dualrepo.hibernate.model;

/**
 * A person as the application sees it: one name. The old model stores it whole (nullable, up to 300 characters);
 * the new one splits it into a first and a last name of at most 100 characters each, both required. So some old
 * rows cannot be migrated: a null name (the conversion does not expect one), a name too long for the new columns,
 * a single word (no last name for a not-null column).
 */
public record Person(String id, String name) {}
