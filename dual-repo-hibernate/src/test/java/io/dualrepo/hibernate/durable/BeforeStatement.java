package io.dualrepo.hibernate.durable;

import java.util.function.Consumer;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Runs a test's hook before NEW's session factory prepares each statement (set as Hibernate's statement inspector),
 * to place another transaction's commit between a write's read and its insert.
 */
public final class BeforeStatement implements StatementInspector {

    static final String SETTING = "hibernate.session_factory.statement_inspector";

    private static volatile Consumer<String> hook = sql -> { };

    static void set(Consumer<String> next) {
        hook = next;
    }

    static void clear() {
        hook = sql -> { };
    }

    @Override
    public String inspect(String sql) {
        hook.accept(sql);
        return sql;
    }
}
