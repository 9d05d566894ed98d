/**
 * A migration's jobs as the starter runs them for an operator: the backfill and the verification of each repository,
 * one at a time per repository on a thread of its own ({@link io.dualrepo.spring.jobs.MigrationJobs}). Free of
 * Hibernate, so that the Actuator endpoint can show them in applications without it. Parameters and return values
 * are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.spring.jobs;

import org.jspecify.annotations.NullMarked;
