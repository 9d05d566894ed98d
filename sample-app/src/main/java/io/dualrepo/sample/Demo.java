package io.dualrepo.sample;

final class Demo {
    static int runFromCommandLine(Settings settings) {
        return 0;
    }
}
