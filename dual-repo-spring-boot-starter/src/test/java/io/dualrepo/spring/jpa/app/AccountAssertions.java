package io.dualrepo.spring.jpa.app;

import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads what the tests check: the committed rows of each model, and the failure counter. */
final class AccountAssertions {

    private final JdbcTemplate jdbc;
    private final MeterRegistry registry;

    AccountAssertions(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
    }

    /** Committed rows with the id in the old model's table, read outside any transaction. */
    int oldRows(String id) {
        return count("legacy_accounts", id);
    }

    int newRows(String id) {
        return count("accounts", id);
    }

    /** Failed secondary writes of the accounts repository, as counted so far. */
    double secondaryWriteFailures() {
        return registry.find(DualRepoMetrics.SECONDARY_WRITE_FAILURES)
                .tag(DualRepoMetrics.TAG_REPOSITORY, "accounts").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private int count(String table, String id) {
        Integer rows = jdbc.queryForObject("select count(*) from " + table + " where id = ?", Integer.class, id);
        return rows == null ? 0 : rows;
    }
}
