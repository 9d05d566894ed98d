package io.dualrepo.spring.jpa.app;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManagerFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Why the starter needs a scope of its own even for an application that sets Spring's Hibernate current-session
 * context: under Boot's JpaTransactionManager, {@code getCurrentSession()} answers a session of its own, not the
 * transaction's EntityManager, so dual-repo-hibernate's {@code SameDatabaseScope} would still write beside Spring's
 * transaction. Should a Spring release change this, this test fails and docs/spring.md should say so.
 */
@SpringBootTest(classes = AccountApplication.class, properties =
        "spring.jpa.properties.hibernate.current_session_context_class="
                + "org.springframework.orm.jpa.hibernate.SpringSessionContext")
class SpringSessionContextTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        AccountDatabase.register(registry);
    }

    @Test
    void theCurrentSessionIsNotTheTransactionsEntityManager(@Autowired EntityManagerFactory entityManagerFactory,
            @Autowired TransactionTemplate transactions) {
        SessionFactory sessionFactory = entityManagerFactory.unwrap(SessionFactory.class);
        AtomicReference<Session> transactionSession = new AtomicReference<>();
        AtomicReference<Session> current = new AtomicReference<>();
        transactions.executeWithoutResult(status -> {
            var held = (EntityManagerHolder) TransactionSynchronizationManager.getResource(entityManagerFactory);
            transactionSession.set(held.getEntityManager().unwrap(Session.class));
            current.set(sessionFactory.getCurrentSession());
            // Committing would fail: the current session's synchronization finds no transaction of its own.
            status.setRollbackOnly();
        });
        assertThat(current.get()).isNotNull().isNotSameAs(transactionSession.get());
    }
}
