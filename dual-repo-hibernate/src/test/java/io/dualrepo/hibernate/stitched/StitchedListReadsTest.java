package io.dualrepo.hibernate.stitched;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, point 6, on real databases (H2, or PostgreSQL with -Ppostgresql): a lazy migration of acquired users,
 * each store in a database of its own, whose list reads stitch the new store's rows with the old store's rows not
 * yet migrated, in the order the query promises, while the migration moves rows underneath them.
 */
@Timeout(120)
class StitchedListReadsTest {

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestDatabase oldDatabase;
    private TestDatabase newDatabase;
    private SessionFactory oldSessions;
    private SessionFactory newSessions;
    private Stores.Old oldStore;
    private Stores.New newStore;
    private DualRepo dualRepo;
    private MemberDirectory members;

    @BeforeEach
    void setUp() {
        oldDatabase = TestDatabase.create();
        newDatabase = TestDatabase.create();
        oldSessions = oldDatabase.sessionFactory(OldMemberRow.class);
        newSessions = newDatabase.sessionFactory(NewMemberRow.class);
        oldStore = new Stores.Old(oldSessions);
        newStore = new Stores.New(newSessions);
        // Entering read-through has rules of its own (TransitionsTest); this test is about what it answers.
        dualRepo = DualRepo.builder().routeSource(routes).meterRegistry(registry).enforceTransitions(false).build();
        members = new DualMemberDirectory(oldStore, newStore, dualRepo);
        routes.set("stitched-members", Stage.readThrough(Comparison.OFF));
    }

    @AfterEach
    void tearDown() throws SQLException {
        dualRepo.close();
        oldSessions.close();
        newSessions.close();
        oldDatabase.close();
        newDatabase.close();
    }

    /** The migration's steps, in the order stitching relies on: the copy committed in NEW, then OLD's marker. */
    private void migrate(Member member) {
        newStore.save(member);
        oldStore.markMigrated(member.number());
    }

    @Test
    void stitchesBothDatabasesAnswersByKeyInTheOrderTheQueryPromises() {
        oldStore.save(new Member(1, "ann", "a", false));
        oldStore.save(new Member(2, "bob", "a", false));
        oldStore.save(new Member(3, "cy", "a", false));
        oldStore.save(new Member(4, "dee", "b", false));
        oldStore.save(new Member(5, "eve", "a", false));
        migrate(new Member(2, "bob", "a", false));
        migrate(new Member(5, "eve", "a", false));
        // Renamed in NEW since; eve deleted from NEW alone (the write no longer reaches the old store's copy).
        newStore.save(new Member(2, "bobby", "a", false));
        newStore.deleteByNumber(5);
        // A member written under read-through reaches both stores.
        members.save(new Member(6, "al", "a", false));

        assertThat(members.findByTeamOrderByName("a")).containsExactly(
                new Member(6, "al", "a", false),
                new Member(1, "ann", "a", false),
                new Member(2, "bobby", "a", false),
                new Member(3, "cy", "a", false));
        // No marker, no order: NEW's rows by number, then OLD's NEW lacks; eve comes back from OLD.
        assertThat(members.findByTeam("a")).containsExactly(
                new Member(2, "bobby", "a", false),
                new Member(6, "al", "a", false),
                new Member(1, "ann", "a", false),
                new Member(3, "cy", "a", false),
                new Member(5, "eve", "a", true));
        assertThat(counter(DualRepoMetrics.READ_THROUGH_STITCHES, "findByTeamOrderByName",
                DualRepoMetrics.TAG_OUTCOME, "stitched")).isEqualTo(1);
        assertThat(counter(DualRepoMetrics.READ_THROUGH_STITCHED_ELEMENTS, "findByTeamOrderByName",
                DualRepoMetrics.TAG_SIDE, "old")).isEqualTo(2);
        assertThat(counter(DualRepoMetrics.READ_THROUGH_STITCHED_ELEMENTS, "findByTeamOrderByName",
                DualRepoMetrics.TAG_SIDE, "new")).isEqualTo(2);
        // Reads copy nothing: NEW holds what the migration and the write put there.
        assertThat(newDatabase.rows("select number, name from members")).containsExactly("2 bobby", "6 al");
    }

    @Test
    void aRowNewMovedOrDeletedAloneStaysThereWhereOldMarksItMigrated() {
        Member ann = new Member(1, "ann", "a", false);
        Member bob = new Member(2, "bob", "a", false);
        oldStore.save(ann);
        oldStore.save(bob);
        migrate(ann);
        migrate(bob);
        newStore.deleteByNumber(1);
        newStore.save(new Member(2, "bob", "b", false));

        assertThat(members.findByTeamOrderByName("a")).isEmpty();
        assertThat(members.findByTeamOrderByName("b")).containsExactly(new Member(2, "bob", "b", false));
        // OLD's rows are still there, marked: only the marker keeps them out.
        assertThat(oldDatabase.rows("select number, team from acquired_members where migrated = true"))
                .containsExactly("1 a", "2 a");
    }

    /**
     * The migration moves every row (copy into NEW, then mark in OLD) while readers stitch the team again and again:
     * every answer holds each member once, in name order, whichever of a row's steps it fell between. What is checked
     * is each answer, never a moment.
     */
    @Test
    void aMigrationRunningUnderStitchedReadsNeverLosesNorRepeatsARow() throws Exception {
        int count = 120;
        List<Member> all = IntStream.range(0, count)
                .mapToObj(i -> new Member(i, String.format("m%03d", (i * 37) % count), "a", false))
                .toList();
        for (Member member : all) {
            oldStore.save(member);
        }
        List<Member> order = new ArrayList<>(all);
        Collections.shuffle(order, new java.util.Random(13));
        AtomicBoolean migrating = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread reader = new Thread(() -> {
                while (migrating.get() || reads.get() < 4) {
                    List<Member> team = members.findByTeamOrderByName("a");
                    reads.incrementAndGet();
                    List<Long> numbers = team.stream().map(Member::number).sorted().toList();
                    // A few wrong answers say enough.
                    if (!numbers.equals(all.stream().map(Member::number).toList()) && wrong.size() < 3) {
                        wrong.add("members " + numbers);
                    }
                    List<Member> sorted = new ArrayList<>(team);
                    sorted.sort(new Member.ByName());
                    if (!sorted.equals(team) && wrong.size() < 3) {
                        wrong.add("not in name order: " + team.stream().map(Member::name).toList());
                    }
                }
            }, "stitched-reader-" + r);
            readers.add(reader);
            reader.start();
        }
        for (Member member : order) {
            migrate(member);
        }
        migrating.set(false);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(wrong).isEmpty();
        assertThat(reads.get()).isGreaterThanOrEqualTo(4);
        // Done: every row now comes from NEW, and OLD's marked rows from nowhere.
        assertThat(members.findByTeamOrderByName("a")).hasSize(count);
        assertThat(oldDatabase.rows("select count(*) from acquired_members where migrated = false"))
                .containsExactly("0");
    }

    private double counter(String name, String method, String tag, String value) {
        Counter counter = registry.find(name)
                .tags(DualRepoMetrics.TAG_METHOD, method, tag, value)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
