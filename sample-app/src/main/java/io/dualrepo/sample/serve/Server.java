package io.dualrepo.sample.serve;

import io.dualrepo.sample.Settings;

/** Serve mode: under construction. */
public final class Server {
    private Server() {}

    public static void run(Settings settings) {
        throw new UnsupportedOperationException("serve mode is not built yet");
    }
}
