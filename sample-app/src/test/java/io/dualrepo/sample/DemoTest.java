package io.dualrepo.sample;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The main job, end to end, on embedded H2: the README's first command runs exactly this. */
class DemoTest {

    @Test
    void newModelInTheSameTable() throws Exception {
        DemoRuns.runAndCheck(Settings.embedded("demo"), "h2");
    }

    @Test
    void newModelInASecondDatabase() throws Exception {
        Settings twoDatabases = new Settings("demo",
                Optional.of(new Settings.Database("jdbc:h2:mem:demo-old;DB_CLOSE_DELAY=-1", Optional.of("sa"),
                        Optional.empty())),
                Optional.of(new Settings.Database("jdbc:h2:mem:demo-new;DB_CLOSE_DELAY=-1", Optional.of("sa"),
                        Optional.empty())),
                Optional.empty(), Optional.empty(), Settings.DEFAULT_PORT, false);
        DemoRuns.runAndCheck(twoDatabases, "h2-two-databases");
    }

    @Test
    void refusesADatabaseThatAnEarlierRunLeftBehind() {
        Settings used = new Settings("demo",
                Optional.of(new Settings.Database("jdbc:h2:mem:demo-used;DB_CLOSE_DELAY=-1", Optional.of("sa"),
                        Optional.empty())),
                Optional.empty(), Optional.empty(), Optional.empty(), Settings.DEFAULT_PORT, false);
        try (SampleApp earlier = SampleApp.start(used, new SimpleMeterRegistry())) {
            earlier.seed(2, 3);
        }
        assertThatThrownBy(() -> new Demo(used, new PrintStream(OutputStream.nullOutputStream()), Duration.ZERO, 1))
                .isInstanceOf(CannotStartException.class)
                .hasMessageContaining("the demo needs an empty database or schema");
    }
}
