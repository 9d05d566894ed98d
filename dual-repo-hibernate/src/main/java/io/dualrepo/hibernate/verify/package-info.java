/**
 * Proof that the two models of a migration hold the same data: {@link io.dualrepo.hibernate.verify.Verifier}
 * scans both in key order, merging by key, and reports what is missing on either side and what differs, and can
 * repair it through the same per-key sync as the durable-write repair.
 *
 * <p>Parameters and return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate.verify;
