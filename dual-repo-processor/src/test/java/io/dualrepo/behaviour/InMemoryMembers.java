package io.dualrepo.behaviour;

import io.dualrepo.Side;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One store of members, in memory: it records the calls it receives, and tests can park or fail them. */
final class InMemoryMembers implements MemberRepository {

    /** A test's hook into a call, on the calling thread: parks it, or throws. */
    @FunctionalInterface
    interface Hook {
        void before(Side side, String method) throws InterruptedException;
    }

    final Side side;
    final Map<String, Member> rows = new ConcurrentHashMap<>();
    final Map<String, List<Object>> labels = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> calls;
    volatile Hook beforeRead = (side, method) -> { };
    volatile RuntimeException failReads;
    volatile RuntimeException failWrites;

    InMemoryMembers(Side side, ConcurrentLinkedQueue<String> calls) {
        this.side = side;
        this.calls = calls;
    }

    private void read(String method) {
        calls.add(side + " " + method);
        try {
            beforeRead.before(side, method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a test's read hook", e);
        }
        RuntimeException failure = failReads;
        if (failure != null) {
            throw failure;
        }
    }

    private void write(String method) {
        calls.add(side + " " + method);
        RuntimeException failure = failWrites;
        if (failure != null) {
            throw failure;
        }
    }

    private List<Member> team(String team, Comparator<Member> order) {
        List<Member> found = new ArrayList<>();
        for (Member member : rows.values()) {
            if (member.team().equals(team)) {
                found.add(member);
            }
        }
        found.sort(order);
        return found;
    }

    @Override
    public Optional<Member> findById(String id) {
        read("findById");
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public List<Member> findByTeam(String team) {
        read("findByTeam");
        return team(team, Comparator.comparing(Member::id));
    }

    @Override
    public List<Member> findByTeamOrderByName(String team) {
        read("findByTeamOrderByName");
        return team(team, new Member.ByName());
    }

    @Override
    public Set<Member> listByTeam(String team) {
        read("listByTeam");
        return new LinkedHashSet<>(team(team, Comparator.comparing(Member::id)));
    }

    @Override
    public List<Object> findLabels(String team) {
        read("findLabels");
        return labels.getOrDefault(team, List.of());
    }

    @Override
    public void save(Member member) {
        write("save");
        rows.put(member.id(), member);
    }

    @Override
    public void deleteById(String id) {
        write("deleteById");
        rows.remove(id);
    }
}
