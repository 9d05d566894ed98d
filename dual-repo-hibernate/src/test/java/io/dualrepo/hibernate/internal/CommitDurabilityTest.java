package io.dualrepo.hibernate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.LegacyIncidentRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, case 10: an H2 file database acknowledges commits up to WRITE_DELAY ms before they reach the disk, so a
 * killed process loses acknowledged writes and their pending-sync rows, and a repair from that side spreads the
 * loss. Whatever the library builds over such a database warns once, naming the setting; an in-memory database or
 * one with WRITE_DELAY=0 does not. Real H2 databases, whatever -Ppostgresql says.
 */
class CommitDurabilityTest {

    @TempDir
    Path directory;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CommitDurability.class);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private static SessionFactory h2(String url) {
        return new Configuration()
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.connection.username", "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(LegacyIncidentRow.class)
                .buildSessionFactory();
    }

    private List<String> warnings() {
        return appender.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aFileDatabaseWithTheDefaultWriteDelayIsWarnedAboutOnceNamingTheSetting() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("delayed").toAbsolutePath();
        try (SessionFactory sessions = h2(url + ";MODE=Regular")) {
            SameDatabaseScope.of(sessions);
            Transactions.of(sessions);
        }

        assertThat(warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .contains(url).contains("WRITE_DELAY=0").doesNotContain("MODE"));
    }

    @Test
    void inMemoryOrWithoutAWriteDelayNothingIsSaid() throws Exception {
        Files.createDirectories(directory);
        try (SessionFactory memory = h2("jdbc:h2:mem:durability_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
                SessionFactory immediate = h2("jdbc:h2:file:" + directory.resolve("immediate").toAbsolutePath()
                        + ";write_delay=0")) {
            Transactions.of(memory);
            Transactions.of(immediate);
        }

        assertThat(warnings()).isEmpty();
    }

    @Test
    void theUrlsThatMayLoseAcknowledgedCommits() {
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:h2:./data/app")).isTrue();
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:h2:tcp://localhost/~/app;AUTO_SERVER=TRUE"))
                .isTrue();
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:h2:tcp://localhost/mem:app")).isFalse();
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:h2:file:/x;WRITE_DELAY=0;MODE=PostgreSQL"))
                .isFalse();
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:h2:file:/x;WRITE_DELAY=10")).isTrue();
        assertThat(CommitDurability.mayLoseAcknowledgedCommits("jdbc:postgresql://localhost/app")).isFalse();
    }
}
