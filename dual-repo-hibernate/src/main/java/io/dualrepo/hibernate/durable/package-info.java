/**
 * Dual writes that lose nothing when the two models live in different databases. There is no transaction over
 * both, so {@link io.dualrepo.hibernate.durable.CrossDatabaseScope} records the keys a write touches in the
 * primary's database, in the primary's own transaction, and clears them once the secondary took the write; what
 * stays (a secondary that failed, a process that died between the two writes) is re-synced by key from the
 * primary's current state by {@link io.dualrepo.hibernate.durable.PendingSyncRepair}, through the same per-key
 * sync ({@link io.dualrepo.hibernate.durable.KeySync}) the verifier repairs with.
 */
@NullMarked
package io.dualrepo.hibernate.durable;

import org.jspecify.annotations.NullMarked;
