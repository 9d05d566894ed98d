package io.dualrepo.spring.jpa.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.spring.jpa.SpringSameDatabaseScope;
import io.dualrepo.spring.jpa.app.AccountService.CallerChangedItsMind;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWrite;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code dualrepo.write-scope=same-database} in a Spring Boot application with JPA: dual writes join the caller's
 * {@code @Transactional} (or run in one the scope begins), the new model's write runs in a savepoint and is flushed
 * there, and its failure is reported only once the old model's write has committed.
 */
@SpringBootTest(classes = AccountApplication.class, properties = {
        "dualrepo.repositories.accounts.stage=DUAL_WRITE", "dualrepo.write-scope=same-database"})
class SameDatabaseWriteScopeTest {

    /** Longer than the new model's name column: NEW's write fails when it is flushed, OLD's does not. */
    private static final String TOO_LONG_FOR_NEW = "x".repeat(AccountRow.NAME_LENGTH + 1);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        AccountDatabase.register(registry);
    }

    @Autowired
    AccountRepository accounts;

    @Autowired
    AccountService service;

    @Autowired
    AccountApplication application;

    AccountAssertions database;

    @BeforeEach
    void setUp(@Autowired JdbcTemplate jdbc, @Autowired MeterRegistry registry) {
        database = new AccountAssertions(jdbc, registry);
        application.failedWrites.clear();
    }

    @Test
    void theScopeIsTheSpringAwareOne(@Autowired ObjectProvider<DualWriteScope> scope) {
        assertThat(scope.getIfAvailable()).isInstanceOf(SpringSameDatabaseScope.class)
                .extracting(DualWriteScope::atomic).isEqualTo(false);
    }

    @Test
    void aDualWriteInTheCallersTransactionIsFlushedInsideItAndBothModelsCommit() {
        // Seen through JDBC on the transaction's own connection before the caller's commit: the scope flushed it.
        assertThat(service.saveAndCountFlushedNewRows(new Account("a-1", "Ada"))).isEqualTo(1);

        assertThat(database.oldRows("a-1")).isEqualTo(1);
        assertThat(database.newRows("a-1")).isEqualTo(1);
        assertThat(application.failedWrites).isEmpty();
    }

    @Test
    void aDualWriteWithoutACallersTransactionCommitsBothInOneTheScopeBegins() {
        // The models have no @Transactional of their own: without a transaction their writes would be refused.
        accounts.save(new Account("a-2", "Grace"));

        assertThat(database.oldRows("a-2")).isEqualTo(1);
        assertThat(database.newRows("a-2")).isEqualTo(1);
    }

    @Test
    void whenTheCallersTransactionRollsBackNeitherModelHasTheWriteAndNoFailedWriteIsReported() {
        // NEW's write fails inside its own call; then the caller fails too, so OLD's write never commits either.
        assertThatThrownBy(() -> service.saveAndFlushThenFail(new Account("b-1", TOO_LONG_FOR_NEW)))
                .isInstanceOf(CallerChangedItsMind.class);

        assertThat(database.oldRows("b-1")).isZero();
        assertThat(database.newRows("b-1")).isZero();
        // "Reached OLD but not NEW" would be false: the write reached neither.
        assertThat(application.failedWrites).isEmpty();
    }

    @Test
    void aNewModelFailureSeenOnlyAtFlushLeavesOldCommittedAndIsCountedAndHandedToTheSink() {
        double failuresBefore = database.secondaryWriteFailures();

        // The model only merges: the database refuses the row when it is flushed, which the scope does in the call.
        service.save(new Account("c-1", TOO_LONG_FOR_NEW));

        assertThat(database.oldRows("c-1")).isEqualTo(1);
        assertThat(database.newRows("c-1")).isZero();
        assertThat(database.secondaryWriteFailures()).isEqualTo(failuresBefore + 1);
        assertThat(application.failedWrites).singleElement().satisfies(failed -> {
            assertThat(failed.failedSide()).isEqualTo(Side.NEW);
            assertThat(failed.method()).isEqualTo("save");
            assertThat(failed.arguments()).containsExactly(new Account("c-1", TOO_LONG_FOR_NEW));
        });
    }

    @Test
    void aNewModelFailureAtFlushWithoutACallersTransactionLeavesOldCommittedAndIsReported() {
        double failuresBefore = database.secondaryWriteFailures();

        accounts.save(new Account("c-2", TOO_LONG_FOR_NEW));

        assertThat(database.oldRows("c-2")).isEqualTo(1);
        assertThat(database.newRows("c-2")).isZero();
        assertThat(database.secondaryWriteFailures()).isEqualTo(failuresBefore + 1);
        assertThat(application.failedWrites).extracting(FailedWrite::failedSide).containsExactly(Side.NEW);
    }

    @Test
    void aNewModelFailureInsideItsOwnTransactionalCallLeavesTheCallersTransactionFreeToCommit() {
        // Spring Data's saveAndFlush fails inside its own @Transactional, which joined the secondary's session: the
        // rollback it asks for must stay in the savepoint, not mark the caller's transaction rollback-only.
        service.saveAndFlush(new Account("c-5", TOO_LONG_FOR_NEW));

        assertThat(database.oldRows("c-5")).isEqualTo(1);
        assertThat(database.newRows("c-5")).isZero();
        assertThat(application.failedWrites).extracting(FailedWrite::method).containsExactly("saveAndFlush");
    }

    @Test
    void theCallersLaterWritesInTheSameTransactionStillCommitAfterNewFailed() {
        // The failed entity lived in a session of its own: the caller's persistence context holds no broken row.
        service.save(new Account("c-3", TOO_LONG_FOR_NEW));
        service.save(new Account("c-4", "Linus"));

        assertThat(database.oldRows("c-4")).isEqualTo(1);
        assertThat(database.newRows("c-4")).isEqualTo(1);
    }

    /**
     * Why dual-repo-hibernate's {@code SameDatabaseScope} cannot join Spring's transaction here: it joins one only
     * through Hibernate's current-session context, and Spring Boot's JPA configures none.
     */
    @Test
    void springBootConfiguresNoHibernateCurrentSessionContext(@Autowired EntityManagerFactory entityManagerFactory) {
        assertThat(entityManagerFactory.unwrap(SessionFactory.class).getProperties())
                .doesNotContainKey(AvailableSettings.CURRENT_SESSION_CONTEXT_CLASS);
    }
}
