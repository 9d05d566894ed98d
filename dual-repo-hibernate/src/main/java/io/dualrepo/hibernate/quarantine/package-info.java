/**
 * Rows one model of a migration rejected: the backfill and the repair record each one in {@link
 * io.dualrepo.hibernate.quarantine.Quarantine}'s table and go on with the rest, and the verifier reports them as a
 * category of their own. Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate.quarantine;
