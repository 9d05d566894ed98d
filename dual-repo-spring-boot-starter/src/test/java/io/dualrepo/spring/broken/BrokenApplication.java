package io.dualrepo.spring.broken;

import io.dualrepo.DualModel;
import io.dualrepo.spring.OldModel;
import java.util.Optional;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/** An application that forgot to mark its new model: it must not start, and must say why. */
@SpringBootApplication
public class BrokenApplication {

    @DualModel("widgets")
    public interface Widgets {
        Optional<String> findName(String id);
    }

    @Component
    @OldModel
    static class OldWidgets implements Widgets {
        @Override
        public Optional<String> findName(String id) {
            return Optional.empty();
        }
    }

    /** Implements the interface but carries no mark, as a model a user forgot to mark would. */
    @Component
    static class WidgetTable implements Widgets {
        @Override
        public Optional<String> findName(String id) {
            return Optional.empty();
        }
    }
}
