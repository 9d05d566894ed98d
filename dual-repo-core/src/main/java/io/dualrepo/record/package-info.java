/**
 * The migration record: per repository, which model has been written continuously since when, the evidence that
 * a model is complete (backfills, verifications, forces), and every route change with its origin and time. The
 * runtime refuses any route the record says would serve reads from a model that may miss acknowledged writes
 * ({@link io.dualrepo.record.Transitions}).
 */
@NullMarked
package io.dualrepo.record;

import org.jspecify.annotations.NullMarked;
