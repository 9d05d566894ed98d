package io.dualrepo.spring.hibernate.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The mapping between the rows and {@link Book}. The backfill's conversion into the new row waits at a gate the
 * tests may close, so that a backfill is still running when they ask for a second job.
 */
public final class BookMapping {

    private static volatile CountDownLatch gate = new CountDownLatch(0);

    private BookMapping() {}

    /** Holds every backfill conversion from now until {@link #open()}. */
    public static void close() {
        gate = new CountDownLatch(1);
    }

    public static void open() {
        gate.countDown();
    }

    static Book toBook(LegacyBookRow row) {
        return new Book(row.id, row.title);
    }

    static Book toBook(BookRow row) {
        return new Book(row.id, row.title);
    }

    static LegacyBookRow toLegacyRow(Book book) {
        return new LegacyBookRow(book.id(), book.title());
    }

    static BookRow toRowAtTheGate(Book book) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
        return new BookRow(book.id(), book.title());
    }
}
