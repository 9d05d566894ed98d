package io.dualrepo.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.console.ConsoleWire;
import io.dualrepo.spring.console.OperatorConsoleServer;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator console of the starter, in the task application with its properties set as docs/spring.md shows, over
 * raw sockets so that every header is what the test says. Ordered: the stage test moves the route the first ones
 * check is left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskConsoleTest {

    private static final String TOKEN = "task-console-token-0123456789";
    private static final String STATE = "/api/operator/state";
    private static final String STAGE = "/api/operator/stage";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper json = JsonMapper.builder().build();

    private ConfigurableApplicationContext context;
    private DualRepo dualRepo;
    private ConsoleWire wire;

    @BeforeAll
    void start() {
        context = new SpringApplicationBuilder(TaskApplication.class)
                .web(WebApplicationType.NONE)
                .properties("dualrepo.comparison.mode=SYNC",
                        "dualrepo.console.enabled=true",
                        "dualrepo.console.port=0",
                        "dualrepo.console.token=" + TOKEN,
                        "dualrepo.console.title=Task migrations",
                        "dualrepo.console.allowed-origins=https://ops.example",
                        "dualrepo.console.request-timeout=" + REQUEST_TIMEOUT.toMillis() + "ms",
                        "dualrepo.console.max-request-bytes=1024")
                .run();
        dualRepo = context.getBean(DualRepo.class);
        wire = new ConsoleWire(context.getBean(OperatorConsoleServer.class).port());
    }

    @AfterAll
    void stop() {
        context.close();
    }

    @Test
    @Order(1)
    void theApiAnswersWithTheTokenOnlyAndShowsEveryDecoratedRepository() throws Exception {
        ConsoleWire.Reply page = wire.send("GET", "/", wire.ownHost(), null, null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<html");

        ConsoleWire.Reply refused = wire.send("GET", STATE, wire.ownHost(), null, null, null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("tasks");
        assertThat(wire.send("GET", STATE, wire.ownHost(), null, TOKEN + "x", null).status()).isEqualTo(401);

        ConsoleWire.Reply answered = wire.send("GET", STATE, wire.ownHost(), null, TOKEN, null);
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        JsonNode state = json.readTree(answered.body());
        assertThat(state.path("title").asString()).isEqualTo("Task migrations");
        JsonNode tasks = state.path("repositories").get(0);
        assertThat(tasks.path("name").asString()).isEqualTo("tasks");
        assertThat(tasks.path("route").path("stage").asString()).isEqualTo("OLD_ONLY");
        assertThat(tasks.path("route").path("controllable").asBoolean()).isTrue();
        assertThat(tasks.path("route").path("origin").asString()).contains("application properties");
        assertThat(tasks.path("comparisons").isObject()).as("the chart's history is wired").isTrue();
    }

    @Test
    @Order(2)
    void aForeignHostOrOriginChangesNothing() throws Exception {
        Route before = dualRepo.currentRoute("tasks");
        String foreignHost = "evil.example:" + wire.port();
        assertThat(wire.send("GET", STATE, foreignHost, null, TOKEN, null).status()).isEqualTo(421);
        assertThat(wire.send("POST", STAGE, foreignHost, "http://" + foreignHost, TOKEN,
                "{\"stage\": \"DUAL_WRITE\"}").status()).isEqualTo(421);
        ConsoleWire.Reply foreignOrigin = wire.send("POST", STAGE, wire.ownHost(), "http://evil.example", TOKEN,
                "{\"stage\": \"DUAL_WRITE\"}");
        assertThat(foreignOrigin.status()).as(foreignOrigin.body()).isEqualTo(403);
        ConsoleWire.Reply tooBig = wire.send("POST", STAGE, wire.ownHost(), null, TOKEN,
                "{\"stage\": \"DUAL_WRITE\", \"pad\": \"" + "x".repeat(2000) + "\"}");
        assertThat(tooBig.status()).as("dualrepo.console.max-request-bytes=1024").isEqualTo(413);
        assertThat(dualRepo.currentRoute("tasks")).isEqualTo(before);
    }

    @Test
    @Order(3)
    void halfSentRequestsDoNotStallIt() throws Exception {
        List<ConsoleWire.Raw> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                ConsoleWire.Raw raw = wire.open();
                stalled.add(raw);
                // Half stop in the head, half in the body.
                raw.write(i % 2 == 0 ? "GET " + STATE + " HTTP/1.1\r\nHost: " + wire.ownHost() + "\r\n"
                        : "POST " + STAGE + " HTTP/1.1\r\nHost: " + wire.ownHost() + "\r\nAuthorization: Bearer "
                                + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"st");
            }
            long started = System.nanoTime();
            assertThat(wire.send("GET", STATE, wire.ownHost(), null, TOKEN, null).status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered beside the stalled ones")
                    .isLessThan(REQUEST_TIMEOUT);
            // Within three times the configured timeout, under the console's default of 10 s: the property is used.
            for (ConsoleWire.Raw raw : stalled) {
                try {
                    assertThat(raw.readStatus(REQUEST_TIMEOUT.multipliedBy(3)))
                            .as("dualrepo.console.request-timeout ends it").isEqualTo(408);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the console kept a connection that never finished its request", e);
                }
            }
        } finally {
            for (ConsoleWire.Raw raw : stalled) {
                raw.close();
            }
        }
    }

    @Test
    @Order(4)
    void aStageSetThroughTheConsoleGoesThroughTheTransitionRulesAndTakesEffectOnTheDecorator() throws Exception {
        TaskRepository tasks = context.getBean(TaskRepository.class);
        LegacyTasks legacy = context.getBean(LegacyTasks.class);
        TaskTable table = context.getBean(TaskTable.class);

        assertThat(stage("DUAL_WRITE").status()).isEqualTo(200);
        tasks.save(new Task("t-1", "open the console"));
        assertThat(legacy.rows()).containsKey("t-1");
        assertThat(table.rows()).as("the decorator writes both models in DUAL_WRITE").containsKey("t-1");

        ConsoleWire.Reply refused = stage("LIVE");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("LIVE refused, DUAL_WRITE stays", "NEW cannot serve reads");
        assertThat(dualRepo.currentRoute("tasks")).isEqualTo(Stage.DUAL_WRITE.route());

        assertThat(stage("SHADOW").status()).isEqualTo(200);
        assertThat(tasks.findById("t-1")).isPresent();
        JsonNode comparisons = json.readTree(wire.send("GET", STATE, wire.ownHost(), null, TOKEN, null).body())
                .path("repositories").get(0).path("comparisons");
        assertThat(comparisons.path("totals").path("match").asLong()).as(comparisons.path("totals").toString()).isEqualTo(1);

        dualRepo.force("tasks", Side.NEW, "the test wrote every row to both models", "TaskConsoleTest");
        legacy.rows().put("t-2", new Task("t-2", "as OLD has it"));
        table.rows().put("t-2", new Task("t-2", "as NEW has it"));
        ConsoleWire.Reply live = wire.send("POST", STAGE, wire.ownHost(), "https://ops.example", TOKEN,
                "{\"stage\": \"LIVE\"}");
        assertThat(live.status()).as("from an allowed origin: " + live.body()).isEqualTo(200);
        assertThat(tasks.findById("t-2")).as("the decorator reads NEW once LIVE")
                .contains(new Task("t-2", "as NEW has it"));
    }

    private ConsoleWire.Reply stage(String stage) throws Exception {
        return wire.send("POST", STAGE, wire.ownHost(), null, TOKEN, "{\"stage\": \"" + stage + "\"}");
    }
}
