/**
 * The sample's two models of incidents over Hibernate (statuses as text, statuses as rows of a table of their own),
 * their schema steps in plain SQL, and the migration the backfill, the verifier and the repair run between them.
 * Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.sample.model;

import org.jspecify.annotations.NullMarked;
