/**
 * The backfill: copies a migration's old model into its new model in key order, resumable, idempotent, never
 * overwriting a dual write, throttled, with a dry run and progress. Start at {@link
 * io.dualrepo.hibernate.backfill.Backfill}.
 */
@NullMarked
package io.dualrepo.hibernate.backfill;

import org.jspecify.annotations.NullMarked;
