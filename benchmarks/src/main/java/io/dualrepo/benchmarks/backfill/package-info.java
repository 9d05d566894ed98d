/**
 * The backfill benchmark's world on PostgreSQL: an old {@code incidents} table with statuses as text, a new {@code
 * incidents_v2} table pointing at {@code incident_statuses}, the schema they live in, and the two {@link
 * io.dualrepo.hibernate.KeyedModel}s dual-repo's backfill copies between.
 *
 * <p>Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dualrepo.benchmarks.backfill;

import org.jspecify.annotations.NullMarked;
