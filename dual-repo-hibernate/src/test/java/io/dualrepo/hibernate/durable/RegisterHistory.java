package io.dualrepo.hibernate.durable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The calls made to one key by several callers, each with the time it was made and the time it returned, and
 * whether they are <i>linearizable</i> as a register: whether some order of the calls, each placed at one instant
 * between its invocation and its response, makes every read answer the value of the write placed last before it
 * (the key's value before the history when none). A read that answers a value older than a write acknowledged
 * before the read started, or a value no write could have left there, has no such order.
 *
 * <p>A write that threw is not acknowledged, but it may have taken effect before it threw (its primary committed,
 * say): it is placed anywhere after its invocation, or nowhere. A read that threw constrains nothing and is not
 * recorded.
 *
 * <p>The search is Wing and Gong's: place, one at a time, any call that no unplaced call returned before (the
 * candidates for the next instant), backtracking, with the states already seen (calls placed, value) remembered.
 * Histories here have a dozen calls per key at most, so that is instant; it is not meant for long histories.
 *
 * <p>Not thread-safe: callers record their calls elsewhere and build the history afterwards.
 */
final class RegisterHistory {

    /** The most calls one history may hold: the placed calls are a bit set in a long. */
    static final int MAX_CALLS = 63;

    /** A write of a value (empty: a delete) or a read that answered one. */
    enum Kind { WRITE, READ }

    /**
     * One call; {@code returned} is {@link Long#MAX_VALUE} for a write whose outcome is unknown (it threw).
     * Times are {@link System#nanoTime()}'s, comparable across threads.
     */
    record Call(Kind kind, Optional<String> value, long invoked, long returned, String caller) {

        boolean acknowledged() {
            return returned != Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            String what = kind == Kind.READ ? "read -> " + show(value)
                    : value.map(v -> "save " + v).orElse("delete") + (acknowledged() ? "" : " (threw)");
            return caller + " " + what + " [" + invoked + ", " + (acknowledged() ? returned : "?") + "]";
        }
    }

    private final Optional<String> initial;
    private final List<Call> calls = new ArrayList<>();

    RegisterHistory(Optional<String> initial) {
        this.initial = initial;
    }

    RegisterHistory write(Optional<String> value, long invoked, long returned, String caller) {
        return add(new Call(Kind.WRITE, value, invoked, returned, caller));
    }

    /** A write that threw: it may have taken effect, at any time after it was made. */
    RegisterHistory unacknowledgedWrite(Optional<String> value, long invoked, String caller) {
        return add(new Call(Kind.WRITE, value, invoked, Long.MAX_VALUE, caller));
    }

    RegisterHistory read(Optional<String> answer, long invoked, long returned, String caller) {
        return add(new Call(Kind.READ, answer, invoked, returned, caller));
    }

    RegisterHistory add(Call call) {
        if (calls.size() == MAX_CALLS) {
            throw new IllegalStateException("more than " + MAX_CALLS + " calls in one history");
        }
        if (call.returned < call.invoked) {
            throw new IllegalArgumentException("returned before it was made: " + call);
        }
        calls.add(call);
        return this;
    }

    boolean linearizable() {
        return !finalValues().isEmpty();
    }

    /**
     * The values the key may hold after the history, over every order that explains it: after the acknowledged
     * writes, and after any of the writes that threw. Empty when no order explains it (not linearizable).
     */
    Set<Optional<String>> finalValues() {
        Set<Optional<String>> finals = new LinkedHashSet<>();
        search(0L, initial, new HashSet<>(), finals);
        return finals;
    }

    private void search(long placed, Optional<String> value, Set<State> seen, Set<Optional<String>> finals) {
        if (!seen.add(new State(placed, value))) {
            return;
        }
        // The earliest response among the calls not placed yet: a call made after it cannot come next.
        long deadline = Long.MAX_VALUE;
        boolean allAcknowledgedPlaced = true;
        for (int i = 0; i < calls.size(); i++) {
            if ((placed & (1L << i)) == 0 && calls.get(i).acknowledged()) {
                allAcknowledgedPlaced = false;
                deadline = Math.min(deadline, calls.get(i).returned);
            }
        }
        if (allAcknowledgedPlaced) {
            finals.add(value);
        }
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            if ((placed & (1L << i)) != 0 || call.invoked > deadline) {
                continue;
            }
            if (call.kind == Kind.WRITE) {
                search(placed | (1L << i), call.value, seen, finals);
            } else if (call.value.equals(value)) {
                search(placed | (1L << i), value, seen, finals);
            }
        }
    }

    private record State(long placed, Optional<String> value) {}

    /** The calls in the order they were made, one a line, for a failure message. */
    @Override
    public String toString() {
        long start = calls.stream().mapToLong(Call::invoked).min().orElse(0);
        return "initially " + show(initial) + "\n" + calls.stream().sorted(Comparator.comparingLong(Call::invoked))
                .map(call -> "    " + relative(call, start)).collect(Collectors.joining("\n"));
    }

    private static String relative(Call call, long start) {
        Call shifted = new Call(call.kind, call.value, (call.invoked - start) / 1000,
                call.acknowledged() ? (call.returned - start) / 1000 : Long.MAX_VALUE, call.caller);
        return shifted + " us";
    }

    static String show(Optional<String> value) {
        return value.orElse("nothing");
    }
}
