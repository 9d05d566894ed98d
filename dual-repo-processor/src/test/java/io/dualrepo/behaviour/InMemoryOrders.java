package io.dualrepo.behaviour;

import io.dualrepo.Side;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * One model of the order repository, held in memory. It records every call it receives, and can be told to
 * misbehave the ways a new model does in production: return something different, throw, or hang.
 */
final class InMemoryOrders implements OrderRepository {

    /** One call a model received. */
    record Touch(Side side, String method, String argument, String thread) {}

    final Side side;
    final Map<String, Order> rows = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Touch> touches;
    final Map<String, ConcurrentLinkedQueue<Side>> sidesByArgument;

    volatile UnaryOperator<Order> readBug = UnaryOperator.identity();
    volatile RuntimeException failReads;
    volatile RuntimeException failWrites;
    volatile CountDownLatch blockReadsUntil;
    /** Runs before each write this model receives, on the writing thread: tests park a write here to interleave. */
    volatile WriteHook beforeWrite = (method, argument) -> { };
    final AtomicBoolean interrupted = new AtomicBoolean();

    InMemoryOrders(Side side, ConcurrentLinkedQueue<Touch> touches,
            Map<String, ConcurrentLinkedQueue<Side>> sidesByArgument) {
        this.side = side;
        this.touches = touches;
        this.sidesByArgument = sidesByArgument;
    }

    private void touch(String method, String argument) {
        touches.add(new Touch(side, method, argument, Thread.currentThread().getName()));
        if (argument != null) {
            sidesByArgument.computeIfAbsent(argument, a -> new ConcurrentLinkedQueue<>()).add(side);
        }
    }

    private void beforeRead() {
        RuntimeException failure = failReads;
        if (failure != null) {
            throw failure;
        }
        CountDownLatch block = blockReadsUntil;
        if (block != null) {
            try {
                block.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hanging", e);
            }
        }
    }

    /** A test's hook into one write: the write's method and key. */
    @FunctionalInterface
    interface WriteHook {
        void before(String method, String argument) throws InterruptedException;
    }

    private void beforeWrite(String method, String argument) {
        try {
            beforeWrite.before(method, argument);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a test's write hook", e);
        }
        RuntimeException failure = failWrites;
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Optional<Order> findById(String id) {
        touch("findById", id);
        beforeRead();
        return Optional.ofNullable(rows.get(id)).map(readBug);
    }

    @Override
    public Order getExisting(String id) throws OrderNotFoundException {
        touch("getExisting", id);
        beforeRead();
        Order order = rows.get(id);
        if (order == null) {
            throw new OrderNotFoundException(id);
        }
        return readBug.apply(order);
    }

    @Override
    public List<Order> findByCustomer(String customerId) {
        touch("findByCustomer", customerId);
        beforeRead();
        List<Order> found = new ArrayList<>();
        for (Order order : rows.values()) {
            if (order.customerId().equals(customerId)) {
                found.add(readBug.apply(order));
            }
        }
        found.sort(Comparator.comparing(Order::id));
        return found;
    }

    @Override
    public List<Order> findAllUnordered() {
        touch("findAllUnordered", null);
        beforeRead();
        List<Order> all = new ArrayList<>(rows.values());
        // The two models return rows in different orders, as two databases without ORDER BY do.
        all.sort(Comparator.comparing(Order::id));
        if (side == Side.NEW) {
            Collections.reverse(all);
        }
        all.replaceAll(readBug);
        return all;
    }

    @Override
    public List<Order> findShippingQueue() {
        touch("findShippingQueue", null);
        beforeRead();
        List<Order> all = new ArrayList<>(rows.values());
        all.sort(Comparator.comparing(Order::id));
        all.replaceAll(readBug);
        return all;
    }

    @Override
    public List<Order> findAllByCard() {
        touch("findAllByCard", null);
        beforeRead();
        List<Order> all = new ArrayList<>(rows.values());
        all.sort(Comparator.comparing(Order::cardNumber));
        all.replaceAll(readBug);
        return all;
    }

    @Override
    public long countAll() {
        touch("countAll", null);
        beforeRead();
        return rows.size();
    }

    @Override
    public List<Order> findAllById(Iterable<String> ids) {
        touch("findAllById", null);
        beforeRead();
        List<Order> found = new ArrayList<>();
        for (String id : ids) {
            Order order = rows.get(id);
            if (order != null) {
                found.add(readBug.apply(order));
            }
        }
        return found;
    }

    @Override
    public void save(Order order) {
        touch("save", order.id());
        beforeWrite("save", order.id());
        rows.put(order.id(), order);
    }

    @Override
    public void saveAll(Iterable<Order> orders) {
        touch("saveAll", null);
        beforeWrite("saveAll", null);
        for (Order order : orders) {
            rows.put(order.id(), order);
        }
    }

    @Override
    public void deleteById(String id) {
        touch("deleteById", id);
        beforeWrite("deleteById", id);
        rows.remove(id);
    }

    @Override
    public Optional<Order> loadById(String id) {
        touch("loadById", id);
        beforeRead();
        return Optional.ofNullable(rows.get(id)).map(readBug);
    }

    @Override
    public Optional<Order> fetchById(String id) {
        touch("fetchById", id);
        beforeRead();
        return Optional.ofNullable(rows.get(id)).map(readBug);
    }

    @Override
    public void insertIfAbsent(Order order) {
        touch("insertIfAbsent", order.id());
        beforeWrite("insertIfAbsent", order.id());
        rows.putIfAbsent(order.id(), order);
    }
}
