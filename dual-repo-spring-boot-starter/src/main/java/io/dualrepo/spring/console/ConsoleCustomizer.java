package io.dualrepo.spring.console;

import io.dualrepo.console.OperatorConsole;

/**
 * What the application adds to the console the starter builds, as beans of this type, applied in {@code @Order}
 * after the properties: its own actions and page script, the pending-sync backlog, the quarantine, its state.
 *
 * <pre>{@code
 * @Bean
 * ConsoleCustomizer backfillButton(MigrationJobs jobs) {
 *     return console -> console.action("backfill", request -> jobs.backfill());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ConsoleCustomizer {

    void customize(OperatorConsole.Builder console);
}
