package io.dualrepo.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Outcome;
import io.dualrepo.reliability.Documents.Credentials;
import io.dualrepo.reliability.Documents.Document;
import io.dualrepo.reliability.Documents.Node;
import io.dualrepo.reliability.Documents.Row;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Bad input through a generated decorator in SHADOW, comparisons off the caller's thread as in production: nulls on
 * either side, listeners that throw, cyclic graphs, very large collections, text that tries to forge log lines, and
 * secrets. What is checked is what reaches the caller, the logs and the listeners.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
@Timeout(120)
class BadInputScenariosTest {

    private static final String SECRET_EMAIL = "ceo@example.com";
    private static final String SECRET_TOKEN = "tok_5up3r53cr3t";
    private static final String FORGERY = "ok\n2026-01-01 ERROR io.dualrepo.Admin - all data deleted\r\u001b[2K"
            + "\u2028\u202eevil";
    private static final List<String> ROW_NOTES = new CopyOnWriteArrayList<>();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ComparisonResult> results = new CopyOnWriteArrayList<>();
    private final ScriptedDocuments oldModel = new ScriptedDocuments();
    private final ScriptedDocuments newModel = new ScriptedDocuments();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private DualRepo dualRepo;
    private Documents documents;

    @BeforeEach
    void setUp() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
        // Stages are set straight to the one under test: the transition rules, which would ask for the
        // evidence of the stages between, have tests of their own (TransitionsTest, DatabaseMigrationRecordTest).
        dualRepo = DualRepo.builder().enforceTransitions(false)
                .routeSource(InMemoryRouteSource.create().set("documents", Stage.SHADOW))
                .meterRegistry(registry)
                .comparisonMode(ComparisonMode.ASYNC)
                .comparisonTimeout(Duration.ofSeconds(30))
                .mismatchLogsPerMinute(1_000)
                .sensitiveFields("apiToken")
                .onComparison(result -> {
                    throw new IllegalStateException("a listener that always throws");
                })
                .onComparison(results::add)
                .build();
        documents = new DualDocuments(oldModel, newModel, dualRepo);
    }

    @AfterEach
    void tearDown() {
        dualRepo.close();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }

    private static long started;

    @org.junit.jupiter.api.BeforeAll
    static void start() {
        started = System.nanoTime();
    }

    @AfterAll
    static void report() {
        Report.add(new Report.Row("bad input", "1 caller, one call per case; lists of "
                + String.format(Locale.ROOT, "%,d", Bounds.LARGE_COLLECTION) + " rows",
                "nulls on either side, throwing listeners, cyclic graphs, huge lists, log forgery, secrets",
                (System.nanoTime() - started) / 1e9, "0",
                0, Double.NaN, Double.NaN, String.join("; ", ROW_NOTES)));
    }

    private ComparisonResult nextResult(int before) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (results.size() <= before && System.nanoTime() < deadline) {
            LoadScenariosTest.sleep(5);
        }
        assertThat(results).as("comparison results").hasSizeGreaterThan(before);
        return results.get(before);
    }

    private <T> ComparisonResult compared(Supplier<T> call, T expected) {
        int before = results.size();
        assertThat(call.get()).isEqualTo(expected);
        return nextResult(before);
    }

    private double hookErrors() {
        return registry.find("dualrepo.hook.errors").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void a_nullArgumentsAndNullResultsOnEitherSide() {
        oldModel.byId = id -> id == null ? Optional.empty() : Optional.of(new Document(id, "b", null, null));
        newModel.byId = id -> {
            if (id == null) {
                throw new NullPointerException("id");
            }
            return Optional.of(new Document(id, "b", null, null));
        };
        assertThat(compared(() -> documents.findById(null), Optional.empty()).outcome())
                .isEqualTo(Outcome.SECONDARY_ERROR);

        NullPointerException primaryError = new NullPointerException("old refuses null");
        oldModel.byId = id -> {
            throw primaryError;
        };
        int before = results.size();
        assertThatThrownBy(() -> documents.findById(null)).isSameAs(primaryError);
        assertThat(nextResult(before).outcome()).as("both threw the same class").isEqualTo(Outcome.MATCH);

        Node node = new Node("n");
        oldModel.graph = id -> null;
        newModel.graph = id -> node;
        assertThat(compared(() -> documents.findGraph("g"), null).outcome()).isEqualTo(Outcome.MISMATCH);
        oldModel.graph = id -> node;
        newModel.graph = id -> null;
        assertThat(compared(() -> documents.findGraph("g"), node).outcome()).isEqualTo(Outcome.MISMATCH);
        newModel.graph = id -> null;
        oldModel.graph = id -> null;
        assertThat(compared(() -> documents.findGraph("g"), null).outcome()).isEqualTo(Outcome.MATCH);

        // A null argument the primary refuses never reaches the secondary.
        oldModel.saves = document -> {
            if (document == null) {
                throw new IllegalArgumentException("document");
            }
        };
        assertThatThrownBy(() -> documents.save(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(newModel.saved).hasValue(0);
        // One the secondary refuses fails only the secondary write, which is counted.
        oldModel.saves = document -> {};
        newModel.saves = document -> {
            throw new NullPointerException("document");
        };
        documents.save(null);
        assertThat(oldModel.saved).hasValue(1);
        assertThat(registry.find("dualrepo.secondary.write.failures").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(1);
        ROW_NOTES.add("nulls: caller got the primary's answer or its very exception every time");
    }

    @Test
    void b_listenersThatThrowNeverReachTheCaller() {
        oldModel.byId = id -> Optional.of(new Document(id, "b", null, null));
        newModel.byId = id -> Optional.of(new Document(id, "b", null, null));
        for (int i = 0; i < 100; i++) {
            String id = "d-" + i;
            assertThat(compared(() -> documents.findById(id), oldModel.byId.apply(id)).outcome())
                    .isEqualTo(Outcome.MATCH);
        }
        assertThat(hookErrors()).as("listener errors counted").isEqualTo(100);
        ROW_NOTES.add("throwing listener: 100 of 100 calls answered, the next listener still called, errors counted");
    }

    private static Node ring(int size, String differentAt) {
        Node first = new Node("n0");
        Node previous = first;
        for (int i = 1; i < size; i++) {
            Node node = new Node(("n" + i).equals(differentAt) ? "changed" : "n" + i);
            previous.next = node;
            node.back = previous;
            previous = node;
        }
        previous.next = first;
        first.back = previous;
        return first;
    }

    @Test
    void c_cyclicAndVeryDeepGraphs() {
        int size = 100_000;
        oldModel.graph = id -> ring(size, null);
        newModel.graph = id -> ring(size, null);
        long start = System.nanoTime();
        int first = results.size();
        Node answer = documents.findGraph("ring");
        assertThat(answer.name).isEqualTo("n0");
        ComparisonResult same = nextResult(first);
        assertThat(same.outcome()).as(same.toString()).isEqualTo(Outcome.MATCH);

        newModel.graph = id -> ring(size, "n" + (size - 7));
        int before = results.size();
        documents.findGraph("ring");
        ComparisonResult differing = nextResult(before);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(differing.outcome()).as(differing.toString()).isEqualTo(Outcome.MISMATCH);
        assertThat(differing.differences()).isNotEmpty();
        assertThat(differing.differences().get(0).path()).contains(".name");
        assertThat(seconds).as("seconds for two comparisons of %,d-node rings", size).isLessThan(30);
        ROW_NOTES.add(String.format(Locale.ROOT, "cyclic %,d-node rings: match and mismatch found in %.1f s, no stack"
                + " overflow", size, seconds));
    }

    @Test
    void d_veryLargeCollections() {
        int size = Bounds.LARGE_COLLECTION;
        List<Row> rows = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            rows.add(new Row(i, "row " + i));
        }
        List<Row> changed = new ArrayList<>(rows);
        changed.set(size - 1, new Row(size - 1, "changed"));
        for (int i = 0; i < 50; i++) {
            changed.set(size / 2 + i, new Row(-i, "also changed"));
        }
        oldModel.rows = id -> rows;
        newModel.rows = id -> rows;
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        assertThat(compared(() -> documents.findRows("all"), rows).outcome()).isEqualTo(Outcome.MATCH);
        newModel.rows = id -> changed;
        ComparisonResult differing = compared(() -> documents.findRows("all"), rows);
        double seconds = (System.nanoTime() - start) / 1e9;
        long usedAfter = runtime.totalMemory() - runtime.freeMemory();
        assertThat(differing.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(differing.differences()).as("differences kept").hasSizeLessThanOrEqualTo(20);
        String line = mismatchLines().get(mismatchLines().size() - 1);
        assertThat(line.length()).as("length of the mismatch log line").isLessThan(20_000);
        assertThat(seconds).as("seconds to compare %,d rows twice", size).isLessThan(60);
        ROW_NOTES.add(String.format(Locale.ROOT, "%,d-row lists: compared twice in %.1f s, heap %+,d MB, 20 of 51"
                + " differences kept, log line %,d chars", size, seconds, (usedAfter - usedBefore) >> 20,
                line.length()));
    }

    private List<String> mismatchLines() {
        return logs.list.stream().filter(e -> e.getLoggerName().equals("io.dualrepo.Mismatch"))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Everything logged, with exceptions' messages and causes, as a log file would hold it. */
    private String everythingLogged() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : logs.list) {
            text.append(event.getFormattedMessage()).append('\n');
            for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
                text.append(error.getClassName()).append(": ").append(error.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    @Test
    void e_controlCharactersInMismatchLogsAreEscaped() {
        oldModel.byId = id -> Optional.of(new Document(id, FORGERY, null, null));
        newModel.byId = id -> Optional.of(new Document(id, "ok", null, null));
        oldModel.labels = id -> Map.of(FORGERY, "x");
        newModel.labels = id -> Map.of("ok", "x");
        compared(() -> documents.findById("d-1"), oldModel.byId.apply("d-1"));
        compared(() -> documents.findLabels("d-1"), oldModel.labels.apply("d-1"));
        List<String> lines = mismatchLines();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        for (String line : lines) {
            assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u2028", "\u202e");
            assertThat(line).contains("\\n");
        }
        for (ComparisonResult result : results) {
            assertThat(result.differences().toString()).doesNotContain("\n", "\r", "\u001b", "\u2028", "\u202e");
        }
        ROW_NOTES.add("newline, CR, ESC, U+2028, U+202E in values and map keys: escaped in logs and listener payloads");
    }

    @Test
    void f_sensitiveFieldsNeverAppearUnmasked() {
        oldModel.byId = id -> Optional.of(new Document(id, "b", SECRET_EMAIL, new Credentials("u", SECRET_TOKEN)));
        newModel.byId = id -> Optional.of(new Document(id, "b", "other@example.com",
                new Credentials("u", "tok_other")));
        ComparisonResult result = compared(() -> documents.findById("d-1"), oldModel.byId.apply("d-1"));
        assertThat(result.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(result.differences()).extracting(d -> d.path()).contains("$.ownerEmail", "$.credentials.apiToken");

        // A secondary that fails saying what it was given, as a database's constraint message does.
        newModel.saves = document -> {
            throw new IllegalStateException("duplicate key: owner_email=" + document.ownerEmail()
                    + " api_token=" + document.credentials().apiToken());
        };
        documents.save(new Document("d-2", "b", SECRET_EMAIL, new Credentials("u", SECRET_TOKEN)));
        newModel.byId = id -> {
            throw new IllegalStateException("no row for owner_email=" + SECRET_EMAIL);
        };
        compared(() -> documents.findById("d-1"), oldModel.byId.apply("d-1"));

        String logged = everythingLogged();
        assertThat(logged).contains("***");
        assertThat(logged).doesNotContain(SECRET_EMAIL, SECRET_TOKEN, "other@example.com", "tok_other");
        for (ComparisonResult each : results) {
            assertThat(each.toString()).doesNotContain(SECRET_EMAIL, SECRET_TOKEN, "other@example.com", "tok_other");
        }
        ROW_NOTES.add("@Sensitive and named fields: *** in mismatch logs, listener payloads and failure logs");
    }
}
