/**
 * Leases on key ranges kept in tables, and the throttle, shared by the backfill and the verifier; not an API.
 * Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate.internal.lease;
