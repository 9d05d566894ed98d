package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Issue 13, point 6: under read-through, a {@code @ReadThrough(stitch = true)} list read answers with NEW's elements
 * plus OLD's elements whose key NEW lacks (and that OLD does not mark migrated), in the order the read promises.
 * Interleavings with writes and migrations are forced with latches, never left to timing.
 */
class StitchedReadsTest {

    private static final String READER = "stitched-reader";

    private final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
    private final InMemoryMembers oldStore = new InMemoryMembers(Side.OLD, calls);
    private final InMemoryMembers newStore = new InMemoryMembers(Side.NEW, calls);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final DualRepo dualRepo;
    private final MemberRepository members;

    StitchedReadsTest() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
        dualRepo = DualRepo.builder()
                .routeSource(routes)
                .meterRegistry(registry)
                .comparisonMode(ComparisonMode.SYNC)
                // Stages are set in any order here; TransitionsTest covers the rules for entering read-through.
                .enforceTransitions(false)
                .build();
        members = new DualMemberRepository(oldStore, newStore, dualRepo);
        routes.set("members", Stage.readThrough(Comparison.OFF));
    }

    @AfterEach
    void close() {
        dualRepo.close();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }

    private static void put(InMemoryMembers store, Member... rows) {
        for (Member row : rows) {
            store.rows.put(row.id(), row);
        }
    }

    @Test
    void answersWithNewsElementsThenOldsElementsNewLacks() {
        Member ann = Member.of("m-1", "ann", "a");
        Member bob = Member.of("m-2", "bob", "a");
        Member cy = Member.of("m-3", "cy", "a");
        Member other = Member.of("m-4", "dee", "b");
        Member eve = Member.of("m-5", "eve", "a");
        put(oldStore, ann, bob, cy, other);
        // m-2 is migrated and renamed since; m-5 was written while NEW was, and OLD has not got it.
        put(newStore, bob.renamed("bobby"), eve);

        List<Member> team = members.findByTeam("a");

        assertThat(team).containsExactly(bob.renamed("bobby"), eve, ann, cy);
        // OLD first: see ReadThrough's class comment.
        assertThat(calls).containsExactly("OLD findByTeam", "NEW findByTeam");
        assertThat(stitches("findByTeam", "stitched")).isEqualTo(1);
        assertThat(elements("findByTeam", Side.NEW)).isEqualTo(2);
        assertThat(elements("findByTeam", Side.OLD)).isEqualTo(2);
        // Reads are not copies: nothing was written.
        assertThat(newStore.rows).containsOnlyKeys("m-2", "m-5");
    }

    @Test
    void answersWithOneStoresAnswerWhenTheOtherHasNothing() {
        Member ann = Member.of("m-1", "ann", "a");
        Member bob = Member.of("m-2", "bob", "a");
        put(oldStore, ann, bob);

        assertThat(members.findByTeam("a")).containsExactly(ann, bob);

        oldStore.rows.clear();
        put(newStore, bob, ann);
        assertThat(members.findByTeam("a")).containsExactly(ann, bob);
        assertThat(members.findByTeam("nobody")).isEmpty();
        assertThat(stitches("findByTeam", "stitched")).isEqualTo(3);
        assertThat(elements("findByTeam", Side.OLD)).isEqualTo(2);
        assertThat(elements("findByTeam", Side.NEW)).isEqualTo(2);
    }

    @Test
    void keepsTheOrderTheReadPromisesWithItsComparator() {
        put(oldStore, Member.of("m-1", "dora", "a"), Member.of("m-2", "bob", "a"), Member.of("m-3", "al", "a"));
        put(newStore, Member.of("m-2", "zed", "a"), Member.of("m-5", "carl", "a"));

        List<Member> team = members.findByTeamOrderByName("a");

        assertThat(team).extracting(Member::name).containsExactly("al", "carl", "dora", "zed");
    }

    @Test
    void anElementOldMarksMigratedComesFromNewOrNotAtAll() {
        Member ann = Member.of("m-1", "ann", "a");
        Member bob = Member.of("m-2", "bob", "a");
        Member cy = Member.of("m-3", "cy", "a");
        // ann was migrated, then deleted in NEW alone; cy was migrated and renamed in NEW; bob is not migrated yet.
        put(oldStore, ann.markedMigrated(), bob, cy.markedMigrated());
        put(newStore, cy.renamed("cyril"));

        Set<Member> marked = members.listByTeam("a");

        assertThat(marked).containsExactly(cy.renamed("cyril"), bob);
        assertThat(elements("listByTeam", Side.OLD)).isEqualTo(1);
        // Without a marker, a row NEW lacks is always OLD's to answer for: ann comes back.
        assertThat(members.findByTeam("a")).containsExactly(cy.renamed("cyril"), ann.markedMigrated(), bob);
    }

    /**
     * Under read-through OLD is written first: OLD failing, nothing is written; NEW failing, the call fails with OLD's
     * write standing, and NEW answers for the row as it was until the repair reaches NEW (the write was not
     * acknowledged), as a by-key read does.
     */
    @Test
    void aDeleteWhoseNewHalfFailedFailsTheCallAndNewAnswersUntilTheRepair() {
        Member ann = Member.of("m-1", "ann", "a");
        put(oldStore, ann.markedMigrated());
        put(newStore, ann);
        oldStore.failWrites = new IllegalStateException("old store down");
        assertThatThrownBy(() -> members.deleteById("m-1")).hasMessage("old store down");
        oldStore.failWrites = null;
        assertThat(newStore.rows).containsKey("m-1");

        newStore.failWrites = new IllegalStateException("new store down");
        assertThatThrownBy(() -> members.deleteById("m-1")).hasMessage("new store down");
        newStore.failWrites = null;

        assertThat(oldStore.rows).isEmpty();
        assertThat(members.listByTeam("a")).containsExactly(ann);
        assertThat(members.findById("m-1")).contains(ann);
    }

    /**
     * A migration copies a row into NEW, then marks it in OLD (or a by-key read copies it into NEW), while a stitched
     * read is between its two store reads. Read NEW first and OLD second, a row copied before and marked after would
     * be in neither answer; read OLD first, it is in NEW's. The reader is parked at whichever store it reads second.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"copied then marked", "copied by a by-key read"})
    void aRowMigratedBetweenTheTwoStoreReadsIsInTheAnswerOnce(String migration) throws Exception {
        Member ann = Member.of("m-1", "ann", "a");
        Member bob = Member.of("m-2", "bob", "a");
        put(oldStore, ann, bob);
        CountDownLatch firstReadDone = new CountDownLatch(1);
        CountDownLatch migrated = new CountDownLatch(1);
        AtomicInteger readerReads = new AtomicInteger();
        InMemoryMembers.Hook parkSecondRead = (side, method) -> {
            if (Thread.currentThread().getName().equals(READER) && readerReads.incrementAndGet() == 2) {
                firstReadDone.countDown();
                migrated.await();
            }
        };
        oldStore.beforeRead = parkSecondRead;
        newStore.beforeRead = parkSecondRead;

        FutureTask<Set<Member>> reader = start(() -> members.listByTeam("a"));
        await(firstReadDone);
        if (migration.equals("copied then marked")) {
            newStore.rows.put("m-1", ann.renamed("ann in NEW"));
            oldStore.rows.put("m-1", ann.markedMigrated());
        } else {
            assertThat(members.findById("m-1")).contains(ann);
            assertThat(newStore.rows).containsKey("m-1");
        }
        migrated.countDown();
        Set<Member> answer = reader.get(10, TimeUnit.SECONDS);

        assertThat(answer).extracting(Member::id).containsExactlyInAnyOrder("m-1", "m-2");
        assertThat(answer).contains(newStore.rows.get("m-1"));
    }

    /**
     * A write running while a stitched read is between its two store reads: its NEW half is seen, since NEW is read
     * second and wins by key. A stitched answer is not a snapshot, but it never holds a row older than a write
     * acknowledged before the read began, and here not even one acknowledged before its second store read.
     */
    @Test
    void aWriteBetweenTheTwoStoreReadsShowsInTheAnswer() throws Exception {
        Member ann = Member.of("m-1", "ann", "a");
        put(oldStore, ann);
        put(newStore, ann);
        CountDownLatch oldRead = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        newStore.beforeRead = (side, method) -> {
            if (Thread.currentThread().getName().equals(READER)) {
                oldRead.countDown();
                written.await();
            }
        };

        FutureTask<List<Member>> reader = start(() -> members.findByTeam("a"));
        await(oldRead);
        members.save(ann.renamed("anna"));
        written.countDown();

        assertThat(reader.get(10, TimeUnit.SECONDS)).containsExactly(ann.renamed("anna"));
    }

    @Test
    void anElementWithoutAnIdentityMakesOldsAnswerTheAnswer() {
        oldStore.labels.put("a", List.of(new Member.Label("secret-1"), new Member.Label("secret-2")));
        newStore.labels.put("a", List.of(new Member.Label("secret-3")));

        assertThat(members.findLabels("a"))
                .containsExactly(new Member.Label("secret-1"), new Member.Label("secret-2"));
        assertThat(stitches("findLabels", "unkeyed")).isEqualTo(1);
        assertThat(stitches("findLabels", "stitched")).isZero();
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("members.findLabels")
                        .contains(Member.Label.class.getName()).contains("OLD's answer was the answer")
                        .doesNotContain("secret"));
    }

    @Test
    void elementsWithIdentitiesOfTheirOwnAreStitchedWhateverTheDeclaredType() {
        oldStore.labels.put("a", List.of(Member.of("m-1", "ann", "a"), Member.of("m-2", "bob", "a")));
        newStore.labels.put("a", List.of(Member.of("m-2", "bobby", "a")));

        assertThat(members.findLabels("a")).containsExactly(Member.of("m-2", "bobby", "a"),
                Member.of("m-1", "ann", "a"));
    }

    @Test
    void eitherStoreFailingFailsTheReadWithItsException() {
        oldStore.failReads = new IllegalStateException("old store down");
        assertThatThrownBy(() -> members.findByTeam("a")).hasMessage("old store down");
        assertThat(calls).containsExactly("OLD findByTeam");

        oldStore.failReads = null;
        newStore.failReads = new IllegalArgumentException("new store down");
        assertThatThrownBy(() -> members.findByTeam("a")).hasMessage("new store down");
        assertThat(stitches("findByTeam", "stitched")).isZero();
    }

    @Test
    void underOtherRoutesAStitchedReadIsAnOrdinaryRead() {
        put(oldStore, Member.of("m-1", "ann", "a"));
        put(newStore, Member.of("m-2", "bob", "a"));

        routes.set("members", Stage.DUAL_WRITE.route());
        assertThat(members.findByTeam("a")).extracting(Member::id).containsExactly("m-1");
        routes.set("members", Stage.RAMPDOWN.route());
        assertThat(members.findByTeam("a")).extracting(Member::id).containsExactly("m-2");
        assertThat(stitches("findByTeam", "stitched")).isZero();
    }

    @Test
    void aStitchedReadIsNotComparedAndSaysWhy() {
        routes.set("members", Stage.readThrough(Comparison.ALWAYS));
        put(oldStore, Member.of("m-1", "ann", "a"));
        put(newStore, Member.of("m-2", "bob", "a"));

        assertThat(members.findByTeam("a")).extracting(Member::id).containsExactly("m-2", "m-1");

        Counter skipped = registry.find(DualRepoMetrics.COMPARISONS_SKIPPED)
                .tags(DualRepoMetrics.TAG_METHOD, "findByTeam", DualRepoMetrics.TAG_REASON, "read_through_stitched")
                .counter();
        assertThat(skipped).isNotNull();
        assertThat(skipped.count()).isEqualTo(1);
        assertThat(calls).containsExactly("OLD findByTeam", "NEW findByTeam");
    }

    @Test
    void methodsThatDoNotStitchRegisterNoStitchMeters() {
        Collection<String> methods = new ArrayList<>();
        registry.find(DualRepoMetrics.READ_THROUGH_STITCHES).counters()
                .forEach(counter -> methods.add(counter.getId().getTag(DualRepoMetrics.TAG_METHOD)));

        assertThat(methods).doesNotContain("findById", "save", "deleteById")
                .contains("findByTeam", "findByTeamOrderByName", "listByTeam", "findLabels");
        assertThat(registry.find(DualRepoMetrics.READ_THROUGH_STITCHES).tag(DualRepoMetrics.TAG_METHOD, "findByTeam")
                .counters()).hasSize(3);
    }

    private double stitches(String method, String outcome) {
        Counter counter = registry.find(DualRepoMetrics.READ_THROUGH_STITCHES)
                .tags(DualRepoMetrics.TAG_METHOD, method, DualRepoMetrics.TAG_OUTCOME, outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double elements(String method, Side side) {
        Counter counter = registry.find(DualRepoMetrics.READ_THROUGH_STITCHED_ELEMENTS)
                .tags(DualRepoMetrics.TAG_METHOD, method, DualRepoMetrics.TAG_SIDE, side.tag())
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static <V> FutureTask<V> start(java.util.concurrent.Callable<V> call) {
        FutureTask<V> task = new FutureTask<>(call);
        Thread thread = new Thread(task, READER);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(10, TimeUnit.SECONDS)).as("the reader reached its hook").isTrue();
    }
}
