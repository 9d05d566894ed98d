package io.dualrepo.sample.spring;

import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.compare.ComparisonResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Every comparison the application made, for the tests to read: a listener bean, which the starter picks up. */
@TestConfiguration(proxyBeanMethods = false)
class ComparisonLog {

    private final List<ComparisonResult> results = new CopyOnWriteArrayList<>();

    @Bean
    ComparisonListener recordComparisons() {
        return results::add;
    }

    List<ComparisonResult> results() {
        return results;
    }
}
