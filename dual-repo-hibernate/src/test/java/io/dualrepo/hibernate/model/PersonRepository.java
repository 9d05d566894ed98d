package io.dualrepo.hibernate.model;

import io.dualrepo.DualModel;
import java.util.Optional;

@DualModel("persons")
public interface PersonRepository {

    Optional<Person> findById(String id);

    void save(Person person);

    void deleteById(String id);
}
