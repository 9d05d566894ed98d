/**
 * Hibernate ORM support: repositories that join a caller's transaction ({@link
 * io.dualrepo.hibernate.HibernateRepository}, {@link io.dualrepo.hibernate.Transactions}) and dual writes in one
 * transaction when both models share a database ({@link io.dualrepo.hibernate.SameDatabaseScope}), and the models the
 * backfill and the verifier work on, built from entity mappings ({@link io.dualrepo.hibernate.EntityModel}) or by
 * hand ({@link io.dualrepo.hibernate.KeyedModel}).
 */
@NullMarked
package io.dualrepo.hibernate;

import org.jspecify.annotations.NullMarked;
