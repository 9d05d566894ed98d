/**
 * Leases on key ranges kept in tables, and the throttle, shared by the backfill and the verifier; not an API.
 */
@NullMarked
package io.dualrepo.hibernate.internal.lease;

import org.jspecify.annotations.NullMarked;
