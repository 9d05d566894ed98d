package io.dualrepo.spring.hibernate.app;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An application with Spring's JPA, two models of one repository on its database, and only the {@link Migration}
 * bean as dual-repo-hibernate wiring: the starter builds the migration record and the jobs.
 */
@SpringBootApplication
public class BookApplication {

    @Bean
    Migration<String, Book> bookMigration(EntityManagerFactory entityManagerFactory) {
        SessionFactory database = entityManagerFactory.unwrap(SessionFactory.class);
        return Migration.of("books", KeyType.STRING,
                EntityModel.of(database, LegacyBookRow.class, String.class)
                        .mapped(Book::id, BookMapping::toBook, BookMapping::toLegacyRow),
                EntityModel.of(database, BookRow.class, String.class)
                        .mapped(Book::id, BookMapping::toBook, BookMapping::toRowAtTheGate));
    }
}
