package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checker {@link ConcurrentHistoriesTest} relies on, on histories small enough to judge by hand. */
class RegisterHistoryTest {

    private static final Optional<String> NOTHING = Optional.empty();
    private static final Optional<String> A = Optional.of("a");
    private static final Optional<String> B = Optional.of("b");

    @Test
    void aReadOlderThanAnAcknowledgedWriteIsNotLinearizable() {
        RegisterHistory history = new RegisterHistory(NOTHING)
                .write(A, 0, 10, "c1")
                .read(NOTHING, 20, 30, "c2");

        assertThat(history.linearizable()).isFalse();
        assertThat(history.finalValues()).isEmpty();
    }

    @Test
    void aReadThatWentBackAfterAnotherSawTheNewValueIsNotLinearizable() {
        // The write is still in flight, so either answer alone is fine; but not the new one and then the old.
        RegisterHistory history = new RegisterHistory(NOTHING)
                .write(A, 0, 100, "c1")
                .read(A, 10, 20, "c2")
                .read(NOTHING, 30, 40, "c3");

        assertThat(history.linearizable()).isFalse();
    }

    @Test
    void aValueNoWriteLeftIsNotLinearizable() {
        RegisterHistory history = new RegisterHistory(A)
                .write(B, 0, 10, "c1")
                .read(Optional.of("c"), 20, 30, "c2");

        assertThat(history.linearizable()).isFalse();
    }

    @Test
    void concurrentWritesMayLandInEitherOrderAndReadsDecideWhich() {
        RegisterHistory either = new RegisterHistory(NOTHING)
                .write(A, 0, 10, "c1")
                .write(B, 5, 15, "c2");
        assertThat(either.finalValues()).containsExactlyInAnyOrder(A, B);

        // A read after both that saw A: B came first, and A is the only value the key may hold now.
        RegisterHistory decided = new RegisterHistory(NOTHING)
                .write(A, 0, 10, "c1")
                .write(B, 5, 15, "c2")
                .read(A, 20, 30, "c3");
        assertThat(decided.linearizable()).isTrue();
        assertThat(decided.finalValues()).containsExactly(A);
    }

    @Test
    void anAcknowledgedWriteIsNeverLostFromTheFinalValues() {
        RegisterHistory history = new RegisterHistory(NOTHING)
                .write(A, 0, 10, "c1")
                .write(NOTHING, 20, 30, "c2")
                .write(B, 40, 50, "c1");

        assertThat(history.finalValues()).containsExactly(B);
    }

    @Test
    void aWriteThatThrewMayOrMayNotHaveTakenEffect() {
        RegisterHistory history = new RegisterHistory(NOTHING)
                .unacknowledgedWrite(A, 0, "c1")
                .read(NOTHING, 20, 30, "c2")
                .read(A, 40, 50, "c3");
        assertThat(history.linearizable()).isTrue();
        assertThat(history.finalValues()).containsExactly(A);

        RegisterHistory untaken = new RegisterHistory(NOTHING)
                .unacknowledgedWrite(A, 0, "c1")
                .write(B, 5, 10, "c2");
        assertThat(untaken.finalValues()).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void aReadDuringAWriteMayAnswerEitherValue() {
        assertThat(new RegisterHistory(A).write(B, 0, 100, "c1").read(A, 10, 20, "c2").linearizable()).isTrue();
        assertThat(new RegisterHistory(A).write(B, 0, 100, "c1").read(B, 10, 20, "c2").linearizable()).isTrue();
    }
}
