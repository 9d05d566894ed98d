package io.dualrepo.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class WithheldMessageTest {

    @Test
    void keepsEachClassAndStackOfTheChainButNoMessage() {
        SQLException root = new SQLException("duplicate key value (email)=(ceo@example.com)");
        IllegalStateException error = new IllegalStateException("could not save ceo@example.com", root);

        WithheldMessage shown = WithheldMessage.of(error);

        assertThat(shown.getMessage()).startsWith(IllegalStateException.class.getName())
                .doesNotContain("ceo@example.com");
        assertThat(shown.getStackTrace()).isEqualTo(error.getStackTrace());
        assertThat(shown.getCause()).isInstanceOf(WithheldMessage.class);
        assertThat(shown.getCause().getMessage()).startsWith(SQLException.class.getName())
                .doesNotContain("ceo@example.com");
        assertThat(shown.getCause().getStackTrace()).isEqualTo(root.getStackTrace());
        assertThat(shown.getCause().getCause()).isNull();
    }

    @Test
    void keepsTheSqlStateWhichQuotesNothing() {
        SQLException root = new SQLException("Key (email)=(ceo@example.com) already exists.", "23505");
        IllegalStateException error = new IllegalStateException("could not save ceo@example.com", root);

        assertThat(WithheldMessage.of(error).getCause().getMessage())
                .startsWith(SQLException.class.getName() + " [SQLState 23505]");
        assertThat(WithheldMessage.describe(error))
                .isEqualTo(IllegalStateException.class.getName() + " <- " + SQLException.class.getName()
                        + " [SQLState 23505] (messages withheld)");
    }

    @Test
    void aCyclicCauseChainEnds() {
        RuntimeException first = new RuntimeException("a");
        RuntimeException second = new RuntimeException("b", first);
        first.initCause(second);

        int depth = 0;
        for (Throwable t = WithheldMessage.of(first); t != null; t = t.getCause()) {
            depth++;
        }

        assertThat(depth).isEqualTo(17);
    }
}
