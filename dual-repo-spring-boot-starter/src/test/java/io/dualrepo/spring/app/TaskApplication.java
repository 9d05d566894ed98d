package io.dualrepo.spring.app;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A small application with one @DualModel repository and no dual-repo wiring of its own. */
@SpringBootApplication
public class TaskApplication {

    /** Every comparison outcome, for the tests to read. */
    final List<ComparisonResult> comparisons = new CopyOnWriteArrayList<>();

    @Bean
    ComparisonListener recordComparisons() {
        return comparisons::add;
    }
}
