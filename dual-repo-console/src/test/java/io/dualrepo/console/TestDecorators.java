package io.dualrepo.console;

import io.dualrepo.DualRepo;
import io.dualrepo.generated.Decorated;

/** Builds decorators as generated code does, so that the runtime knows the names (the console checks them). */
final class TestDecorators {

    private TestDecorators() {}

    /** One decorator per name, over two do-nothing models. */
    static void decorate(DualRepo dualRepo, String... repositories) {
        for (String repository : repositories) {
            Runnable oldModel = () -> { };
            Runnable newModel = () -> { };
            Decorated.of(dualRepo, repository, Runnable.class, oldModel, newModel);
        }
    }
}
