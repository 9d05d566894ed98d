package io.dualrepo.repositories;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/** One model of a shelf, in memory, that can be made to fail or hang, and tells which threads read it. */
final class InMemoryShelf implements Shelf {

    final Map<String, Item> items = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> readingThreads = new ConcurrentLinkedQueue<>();
    volatile RuntimeException failReads;
    volatile RuntimeException failWrites;
    volatile CountDownLatch blockReadsUntil;

    @Override
    public Optional<Item> find(String id) {
        readingThreads.add(Thread.currentThread().getName());
        if (failReads != null) {
            throw failReads;
        }
        CountDownLatch block = blockReadsUntil;
        if (block != null) {
            try {
                block.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hanging", e);
            }
        }
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public void put(Item item) {
        if (failWrites != null) {
            throw failWrites;
        }
        items.put(item.id(), item);
    }
}
