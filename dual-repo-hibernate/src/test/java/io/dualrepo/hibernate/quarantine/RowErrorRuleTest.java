package io.dualrepo.hibernate.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.PersistenceException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.DateTimeException;
import org.hibernate.PropertyValueException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.DataException;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.LockTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The rule that tells a row the model rejects from a failure of the infrastructure, on the exception chains
 * Hibernate and the drivers build (the backfill and repair tests meet the real ones on H2 and PostgreSQL).
 */
class RowErrorRuleTest {

    private static SQLException state(String sqlState) {
        return new SQLException("the database's message, which may quote a value", sqlState);
    }

    @Test
    void dataExceptionsAndIntegrityViolationsAreTheRows() {
        assertThat(Quarantine.isRowError(new DataException("too long", state("22001")))).isTrue();
        assertThat(Quarantine.isRowError(new ConstraintViolationException("not null",
                new BatchUpdateException("batch", "23502", 0, new int[0], state("23502")), "last_name"))).isTrue();
        assertThat(Quarantine.isRowError(new PersistenceException("at commit", state("23503")))).isTrue();
        assertThat(Quarantine.isRowError(state("22P02"))).isTrue();
    }

    @Test
    void whatAConversionThrowsOnAValueItCannotTakeIsTheRows() {
        assertThat(Quarantine.isRowError(new NullPointerException())).isTrue();
        assertThat(Quarantine.isRowError(new NumberFormatException("x"))).isTrue();
        assertThat(Quarantine.isRowError(new IllegalArgumentException("no status 'x'"))).isTrue();
        assertThat(Quarantine.isRowError(new DateTimeException("x"))).isTrue();
        assertThat(Quarantine.isRowError(new PropertyValueException("not-null property", "Person", "lastName")))
                .isTrue();
        // A converter's failure as Hibernate wraps it.
        assertThat(Quarantine.isRowError(new PersistenceException("converting", new ClassCastException())))
                .isTrue();
    }

    @Test
    void failuresOfTheInfrastructureAreNot() {
        assertThat(Quarantine.isRowError(new JDBCConnectionException("lost", state("08006")))).isFalse();
        assertThat(Quarantine.isRowError(new LockTimeoutException("lock", state("55P03")))).isFalse();
        assertThat(Quarantine.isRowError(state("40001"))).isFalse();
        assertThat(Quarantine.isRowError(state("42P01"))).isFalse();
        assertThat(Quarantine.isRowError(state("HYT00"))).isFalse();
        assertThat(Quarantine.isRowError(new IllegalStateException("pool closed"))).isFalse();
        assertThat(Quarantine.isRowError(new RuntimeException("killed"))).isFalse();
        assertThat(Quarantine.isRowError(new OutOfMemoryError())).isFalse();
        // A chain with any SQLState outside 22 and 23 is the infrastructure's, whatever else it holds.
        assertThat(Quarantine.isRowError(new JDBCConnectionException("lost", new SQLException("closed", "08003",
                state("22001"))))).isFalse();
        assertThat(Quarantine.isRowError(new IllegalArgumentException("x", state("08006")))).isFalse();
    }
}
