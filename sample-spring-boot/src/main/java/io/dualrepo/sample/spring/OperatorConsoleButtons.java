package io.dualrepo.sample.spring;

import io.dualrepo.console.ConsoleAction;
import io.dualrepo.console.ConsoleException;
import io.dualrepo.spring.console.ConsoleCustomizer;
import io.dualrepo.spring.jobs.Job;
import io.dualrepo.spring.jobs.JobStart;
import io.dualrepo.spring.jobs.MigrationJobs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's backfill and verification jobs of the incidents as buttons on the operator console, beside its stage
 * buttons; the jobs' states go into the console's state, for the page to show their progress.
 */
@Configuration(proxyBeanMethods = false)
class OperatorConsoleButtons {

    private static final String REPOSITORY = "incidents";

    @Bean
    ConsoleCustomizer migrationButtons(MigrationJobs jobs) {
        return console -> console
                .action("backfill", request -> started(jobs.start(REPOSITORY, Job.BACKFILL)))
                .action("verify", request -> started(jobs.start(REPOSITORY, Job.VERIFY)))
                .appState(() -> {
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("backfill", jobs.state(REPOSITORY, Job.BACKFILL).orElse(null));
                    state.put("verify", jobs.state(REPOSITORY, Job.VERIFY).orElse(null));
                    return state;
                })
                .pageScript(resource("/operator/app.js"));
    }

    /** 202 once started: the job runs on; the page follows it through the state. */
    private static Object started(JobStart start) {
        if (start.outcome() != JobStart.Outcome.STARTED) {
            throw ConsoleException.conflict(start.message());
        }
        return new ConsoleAction.Answer(202, start);
    }

    private static String resource(String name) {
        try (InputStream in = OperatorConsoleButtons.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
