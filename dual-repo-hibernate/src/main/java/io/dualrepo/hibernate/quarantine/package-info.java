/**
 * Rows one model of a migration rejected: the backfill and the repair record each one in {@link
 * io.dualrepo.hibernate.quarantine.Quarantine}'s table and go on with the rest, and the verifier reports them as a
 * category of their own.
 */
@NullMarked
package io.dualrepo.hibernate.quarantine;

import org.jspecify.annotations.NullMarked;
