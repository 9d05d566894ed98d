/**
 * {@code dual-repo-hibernate} in a Spring Boot application: the migration record in the application's database
 * ({@link io.dualrepo.spring.hibernate.DualRepoHibernateAutoConfiguration}), and the backfill and verification of
 * every {@code Migration} bean as jobs ({@link io.dualrepo.spring.hibernate.DualRepoJobsAutoConfiguration}), which
 * the {@code dualrepo} endpoint starts and shows.
 */
@NullMarked
package io.dualrepo.spring.hibernate;

import org.jspecify.annotations.NullMarked;
