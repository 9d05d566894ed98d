package io.dualrepo.spring.jpa.app;

import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.FailedWriteSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** An application with Spring Data JPA's stack on one database and two models of one repository on it. */
@SpringBootApplication
public class AccountApplication {

    /** What the runtime handed the failed-write sink, for the tests to read. */
    final List<FailedWrite> failedWrites = new CopyOnWriteArrayList<>();

    @Bean
    FailedWriteSink recordFailedWrites() {
        return failedWrites::add;
    }
}
