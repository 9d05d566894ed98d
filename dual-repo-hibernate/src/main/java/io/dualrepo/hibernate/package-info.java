/**
 * Hibernate ORM support: repositories that join a caller's transaction ({@link
 * io.dualrepo.hibernate.HibernateRepository}, {@link io.dualrepo.hibernate.Transactions}) and dual writes in one
 * transaction when both models share a database ({@link io.dualrepo.hibernate.SameDatabaseScope}). Parameters and
 * return values are non-null unless documented otherwise.
 */
package io.dualrepo.hibernate;
