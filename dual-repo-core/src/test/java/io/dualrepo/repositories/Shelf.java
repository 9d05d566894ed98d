package io.dualrepo.repositories;

import java.util.Optional;

/** A repository interface as a user writes one; {@link DualShelf} decorates it as the processor would. */
public interface Shelf {

    Optional<Item> find(String id);

    void put(Item item);
}
