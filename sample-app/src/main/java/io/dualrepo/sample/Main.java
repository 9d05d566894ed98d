package io.dualrepo.sample;

import io.dualrepo.sample.serve.Server;

/**
 * {@code demo} (the default) walks the whole migration under traffic and exits; {@code serve} runs the same app as
 * an HTTP service with an operator page. Settings: {@link Settings}.
 */
public final class Main {

    private Main() {}

    public static void main(String[] arguments) throws Exception {
        Settings settings;
        try {
            settings = Settings.fromArguments(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            if (settings.mode().equals("serve")) {
                Server.run(settings);
            } else {
                System.exit(Demo.runFromCommandLine(settings));
            }
        } catch (CannotStartException e) {
            // Set-up the user can fix (a used database, a missing token): the message, not a stack trace.
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
        }
    }
}
