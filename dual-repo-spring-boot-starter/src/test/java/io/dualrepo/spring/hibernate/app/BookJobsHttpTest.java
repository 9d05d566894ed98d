package io.dualrepo.spring.hibernate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.record.DatabaseMigrationRecord;
import io.dualrepo.record.MigrationRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration record and the jobs the starter builds for an application that defines only its {@code Migration}
 * bean, driven over HTTP through the {@code dualrepo} endpoint as an operator would. Ordered: the walk moves the
 * repository's record, which the later tests find as the walk left it.
 */
@SpringBootTest(classes = BookApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "dualrepo.repositories.books.stage=DUAL_WRITE",
        "management.endpoints.web.exposure.include=dualrepo"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BookJobsHttpTest {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper json = JsonMapper.builder().build();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String name = "books_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "create-drop");
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    DualRepo dualRepo;

    @Autowired
    BookRepository books;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    @Order(1)
    void theRecordIsTheDatabaseOneAndTheRuntimeUsesIt(@Autowired MigrationRecord record) {
        assertThat(record).isInstanceOf(DatabaseMigrationRecord.class);
        assertThat(dualRepo.migrationRecord()).isSameAs(record);
        books.findById("none");
        // The stage taken is in the table, where every instance reads it.
        assertThat(jdbc.queryForObject("select write_targets from dualrepo_migration where repository = 'books'",
                String.class)).isEqualTo("BOTH");
    }

    @Test
    @Order(2)
    void backfillThenVerifyLetLiveBeTakenWhereItWasRefused() throws Exception {
        // Written before dual writes began: only the backfill brings them to the new model.
        for (int i = 0; i < 25; i++) {
            jdbc.update("insert into legacy_books (id, title) values (?, ?)", "history-" + i, "History " + i);
        }
        books.save(new Book("dual-1", "Written to both"));
        assertThat(stage("LIVE").statusCode()).isEqualTo(409);

        HttpResponse<String> started = post("/actuator/dualrepo/books/backfill");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode start = json.readTree(started.body());
        assertThat(start.path("outcome").asString()).isEqualTo("STARTED");
        assertThat(start.path("state").path("job").asString()).isEqualTo("BACKFILL");
        JsonNode backfill = awaitEnd("backfill");
        assertThat(backfill.path("status").asString()).as(backfill.toString()).isEqualTo("FINISHED");
        assertThat(backfill.path("rowsWritten").asLong()).isEqualTo(25);
        assertThat(backfill.path("rowsScanned").asLong()).isEqualTo(26);
        assertThat(backfill.path("finishedAt").asString()).isNotEmpty();
        assertThat(repository().path("record").path("newSide").path("backfilledAt").isNull()).isFalse();
        // Backfilled but not verified: reads may not move yet.
        assertThat(stage("LIVE").statusCode()).isEqualTo(409);

        assertThat(post("/actuator/dualrepo/books/verify").statusCode()).isEqualTo(202);
        JsonNode verify = awaitEnd("verify");
        assertThat(verify.path("status").asString()).as(verify.toString()).isEqualTo("FINISHED");
        assertThat(verify.path("clean").asBoolean()).as(verify.path("summary").asString()).isTrue();
        assertThat(verify.path("rowsScanned").asLong()).isEqualTo(26 + 26);

        HttpResponse<String> live = stage("LIVE");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(books.findById("history-7")).contains(new Book("history-7", "History 7"));
    }

    @Test
    @Order(3)
    void aSecondJobWhileOneRunsIsRefused() throws Exception {
        assertThat(stage("SHADOW").statusCode()).isEqualTo(200);
        jdbc.update("insert into legacy_books (id, title) values ('late', 'Missed by the dual writes')");
        BookMapping.close();
        try {
            assertThat(post("/actuator/dualrepo/books/backfill").statusCode()).isEqualTo(202);
            assertThat(repository().path("jobs").path("backfill").path("status").asString()).isEqualTo("RUNNING");

            HttpResponse<String> again = post("/actuator/dualrepo/books/backfill");
            assertThat(again.statusCode()).isEqualTo(409);
            JsonNode refusal = json.readTree(again.body());
            assertThat(refusal.path("outcome").asString()).isEqualTo("REFUSED");
            assertThat(refusal.path("message").asString()).startsWith("backfill of books refused: its backfill"
                    + " started at ").endsWith(" is still running, and one job runs at a time per repository");
            assertThat(refusal.path("state").path("status").asString()).isEqualTo("RUNNING");
            // Nor a verification beside it.
            assertThat(post("/actuator/dualrepo/books/verify").statusCode()).isEqualTo(409);
        } finally {
            BookMapping.open();
        }
        JsonNode backfill = awaitEnd("backfill");
        assertThat(backfill.path("status").asString()).as(backfill.toString()).isEqualTo("FINISHED");
        assertThat(backfill.path("rowsWritten").asLong()).isEqualTo(1);
        assertThat(repository().path("jobs").path("verify").path("status").asString())
                .as("the refused verification left the last one's state").isEqualTo("FINISHED");
    }

    @Test
    @Order(4)
    void aFailedJobShowsAsFailedWithoutTheDatabasesMessage() throws Exception {
        jdbc.execute("alter table books rename to books_away");
        try {
            assertThat(post("/actuator/dualrepo/books/verify").statusCode()).isEqualTo(202);
            JsonNode verify = awaitEnd("verify");
            assertThat(verify.path("status").asString()).as(verify.toString()).isEqualTo("FAILED");
            String failure = verify.path("failure").asString();
            // H2's message names the table and quotes the statement: only classes and SQLStates may show.
            assertThat(failure).contains("(messages withheld)").contains("SQLState 42S02")
                    .doesNotContainIgnoringCase("books").doesNotContainIgnoringCase("select");
            assertThat(verify.path("clean").isNull()).isTrue();
            assertThat(verify.path("summary").isNull()).isTrue();
        } finally {
            jdbc.execute("alter table books_away rename to books");
        }
    }

    @Test
    @Order(5)
    void unknownNamesAreAnsweredAsStageChangesAre() throws Exception {
        HttpResponse<String> unknownJob = post("/actuator/dualrepo/books/repair");
        assertThat(unknownJob.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unknownJob.body()).path("message").asString())
                .isEqualTo("unknown job 'repair': expected [backfill, verify]");
        HttpResponse<String> unknownRepository = post("/actuator/dualrepo/boks/backfill");
        assertThat(unknownRepository.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknownRepository.body()).path("outcome").asString())
                .isEqualTo("UNKNOWN_REPOSITORY");
    }

    /** Polls the repository until {@code job} is no longer running; answers its state. */
    private JsonNode awaitEnd(String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode state = repository().path("jobs").path(job);
        while (state.path("status").asString().equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            state = repository().path("jobs").path(job);
        }
        return state;
    }

    private JsonNode repository() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/actuator/dualrepo/books")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> stage(String stage) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri("/actuator/dualrepo/books"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"stage\":\"" + stage + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
