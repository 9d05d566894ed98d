package io.dualrepo.spring.hibernate.app;

import io.dualrepo.spring.OldModel;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
@OldModel
@Transactional
class LegacyBooks implements BookRepository {

    @PersistenceContext
    private EntityManager entityManager;

    @Override
    public Optional<Book> findById(String id) {
        return Optional.ofNullable(entityManager.find(LegacyBookRow.class, id)).map(BookMapping::toBook);
    }

    @Override
    public void save(Book book) {
        entityManager.merge(BookMapping.toLegacyRow(book));
    }
}
