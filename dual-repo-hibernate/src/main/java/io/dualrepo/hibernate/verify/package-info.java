/**
 * Proof that the two models of a migration hold the same data: {@link io.dualrepo.hibernate.verify.Verifier}
 * scans both in key order, merging by key, and reports what is missing on either side and what differs, and can
 * repair it through the same per-key sync as the durable-write repair.
 */
@NullMarked
package io.dualrepo.hibernate.verify;

import org.jspecify.annotations.NullMarked;
