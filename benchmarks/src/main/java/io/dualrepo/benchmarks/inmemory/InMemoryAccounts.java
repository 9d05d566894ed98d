package io.dualrepo.benchmarks.inmemory;

import java.time.Duration;
import java.util.Optional;

/**
 * One model of {@link AccountRepository} held in an array: a read costs a few nanoseconds and allocates nothing, so
 * that what a benchmark measures on top of it is the decorator's own cost. A model can be made to take a fixed time
 * per read, standing in for a slower store.
 */
public final class InMemoryAccounts implements AccountRepository {

    private final Optional<Account>[] byId;
    private final long readNanos;

    /** {@code accounts} accounts, ids 0 to {@code accounts - 1}; each read takes at least {@code readTime}. */
    @SuppressWarnings("unchecked")
    public InMemoryAccounts(int accounts, Duration readTime) {
        byId = new Optional[accounts];
        for (int id = 0; id < accounts; id++) {
            byId[id] = Optional.of(new Account(id, "owner-" + id, id % 3 == 0 ? "team" : "free", id * 100L));
        }
        readNanos = readTime.toNanos();
    }

    public int size() {
        return byId.length;
    }

    @Override
    public Optional<Account> findById(long id) {
        if (readNanos > 0) {
            pause();
        }
        return id >= 0 && id < byId.length ? byId[(int) id] : Optional.empty();
    }

    @Override
    public void save(Account account) {
        byId[(int) account.id()] = Optional.of(account);
    }

    private void pause() {
        try {
            Thread.sleep(readNanos / 1_000_000, (int) (readNanos % 1_000_000));
        } catch (InterruptedException e) {
            // Comparison threads are interrupted when a runtime closes after a trial: answer, and keep the flag.
            Thread.currentThread().interrupt();
        }
    }
}
