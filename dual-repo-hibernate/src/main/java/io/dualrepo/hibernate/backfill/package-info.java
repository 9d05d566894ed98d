/**
 * The backfill: copies a migration's old model into its new model in key order, resumable, idempotent, never
 * overwriting a dual write, throttled, with a dry run and progress. Start at {@link
 * io.dualrepo.hibernate.backfill.Backfill}. Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate.backfill;
