package io.dualrepo.sample;

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
}
