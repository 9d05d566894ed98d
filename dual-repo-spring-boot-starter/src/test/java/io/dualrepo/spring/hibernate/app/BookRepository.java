package io.dualrepo.spring.hibernate.app;

import io.dualrepo.DualModel;
import java.util.Optional;

/** The application's repository, both models on the application's EntityManager. */
@DualModel("books")
public interface BookRepository {

    Optional<Book> findById(String id);

    void save(Book book);
}
