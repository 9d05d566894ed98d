/**
 * Dual writes in Spring's JPA transactions: {@link io.dualrepo.spring.jpa.SpringSameDatabaseScope}, for two models
 * that write through one {@code EntityManagerFactory} and its {@code JpaTransactionManager}, and the
 * auto-configuration that builds it when {@code dualrepo.write-scope} asks for it.
 */
@NullMarked
package io.dualrepo.spring.jpa;

import org.jspecify.annotations.NullMarked;
