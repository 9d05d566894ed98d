package io.dualrepo.spring.jpa.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code dualrepo.write-scope=same-database-both-or-neither}: a new-model failure seen only at flush fails the call
 * with Spring's {@link DataAccessException} for it (a value too long: {@link DataIntegrityViolationException}), and
 * neither model keeps the write.
 */
@SpringBootTest(classes = AccountApplication.class, properties = {
        "dualrepo.repositories.accounts.stage=DUAL_WRITE", "dualrepo.write-scope=same-database-both-or-neither"})
class BothOrNeitherWriteScopeTest {

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
    void aNewModelFailureAtFlushFailsTheCallersTransactionWithADataAccessExceptionAndNeitherCommits() {
        double failuresBefore = database.secondaryWriteFailures();

        assertThatThrownBy(() -> service.save(new Account("d-1", TOO_LONG_FOR_NEW)))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(database.oldRows("d-1")).isZero();
        assertThat(database.newRows("d-1")).isZero();
        // Seen and counted by the library as NEW's failure, not only by the caller's commit.
        assertThat(database.secondaryWriteFailures()).isEqualTo(failuresBefore + 1);
        // Nothing reached either model: nothing for the sink.
        assertThat(application.failedWrites).isEmpty();
    }

    @Test
    void withoutACallersTransactionTheCallFailsWithADataAccessExceptionAndNeitherCommits() {
        double failuresBefore = database.secondaryWriteFailures();

        assertThatThrownBy(() -> accounts.save(new Account("d-2", TOO_LONG_FOR_NEW)))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(database.oldRows("d-2")).isZero();
        assertThat(database.newRows("d-2")).isZero();
        assertThat(database.secondaryWriteFailures()).isEqualTo(failuresBefore + 1);
        assertThat(application.failedWrites).isEmpty();
    }

    @Test
    void aWriteBothModelsTakeCommitsBoth() {
        service.save(new Account("d-3", "Barbara"));

        assertThat(database.oldRows("d-3")).isEqualTo(1);
        assertThat(database.newRows("d-3")).isEqualTo(1);
    }
}
