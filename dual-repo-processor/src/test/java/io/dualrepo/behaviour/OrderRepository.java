package io.dualrepo.behaviour;

import io.dualrepo.Compare;
import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/** A real @DualModel interface: the processor generates DualOrderRepository for it during test-compile. */
@DualModel("orders")
public interface OrderRepository {

    @ReadThrough(copyWith = "save", removeWith = "deleteById")
    Optional<Order> findById(String id);

    /** The same read, migrating with a copy that never overwrites a row NEW has. */
    @ReadThrough(copyWith = "insertIfAbsent", removeWith = "deleteById")
    Optional<Order> loadById(String id);

    /** Migrates with no way to take a copy back. */
    @ReadThrough(copyWith = "save")
    Optional<Order> fetchById(String id);

    Order getExisting(String id) throws OrderNotFoundException;

    List<Order> findByCustomer(@RoutingKey String customerId);

    @Compare(unordered = true, ignoreFields = "cardNumber")
    List<Order> findAllUnordered();

    /** The order of shipping, where the position itself is the point. */
    @Compare(positional = true)
    List<Order> findShippingQueue();

    /** Aligned by a key other than the id, and a sensitive one. */
    @Compare(key = "cardNumber")
    List<Order> findAllByCard();

    long countAll();

    /** Spring Data's shape: an Iterable, which the caller may be able to iterate only once. */
    List<Order> findAllById(Iterable<String> ids);

    void save(Order order);

    void saveAll(Iterable<Order> orders);

    void deleteById(String id);

    void insertIfAbsent(Order order);
}
