package io.dualrepo.sample.serve.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dualrepo.sample.Settings;
import io.dualrepo.sample.serve.ApiClient;
import io.dualrepo.sample.serve.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page in headless Chromium: an operator switches to SHADOW, backfills and verifies from the page while
 * the API takes traffic, and the page shows the comparisons and the planted bug's mismatches, the migration record
 * with its route history, the reason a stage the rules refuse is refused, and that another site's page changes
 * nothing. Needs the system's Chromium and its driver ({@code apt-get install chromium chromium-driver}); only the
 * Maven profile {@code browser} runs it. Leaves screenshots in {@code target/operator-page.png} and {@code
 * target/operator-page-record.png}.
 */
@Tag("browser")
class OperatorPageBrowserTest {

    // The system's browser and driver, named outright so that Selenium never looks for (or downloads) its own.
    private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");

    @Test
    void anOperatorWatchesTheShadowStageCatchThePlantedBug(@TempDir Path profile) throws Exception {
        assertThat(CHROMIUM).as("Chromium (apt-get install chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
        Settings settings = new Settings("serve", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, true);
        try (Server server = Server.start(settings)) {
            ApiClient api = new ApiClient(server);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-default-apps", "--force-device-scale-factor=1",
                    "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
            WebDriver browser = new ChromeDriver(service, options);
            try {
                walkThrough(browser, api, server);
            } catch (Throwable failure) {
                Files.write(TARGET.resolve("operator-page-failure.png"), screenshot(browser));
                Files.writeString(TARGET.resolve("operator-page-failure.html"), browser.getPageSource());
                throw failure;
            } finally {
                browser.quit();
                service.stop();
            }
        }
    }

    private static void walkThrough(WebDriver browser, ApiClient api, Server server) throws Exception {
        // The page redraws what changed every second: an element found a moment ago may be gone; look again.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        // As the console prints it: the token in the fragment, which the page keeps and takes out of the address.
        browser.get(server.operatorPageUri().toString());
        // --window-size counts the window's frame too: make the page itself 1280 by 900 for the screenshot.
        long frame = (Long) ((JavascriptExecutor) browser).executeScript(
                "return window.outerHeight - window.innerHeight;");
        browser.manage().window().setSize(new Dimension(1280, 900 + (int) frame));
        wait.until(ExpectedConditions.textToBe(By.id("route-stage"), "OLD_ONLY"));
        assertThat(browser.getCurrentUrl()).as("the token is out of the address bar")
                .isEqualTo(server.uri().toString()).doesNotContain(server.operatorToken());
        assertThat(text(browser, "route-origin")).isEqualTo("in memory (set from this process)");
        assertThat(text(browser, "count-match")).isEqualTo("0");
        assertThat(text(browser, "count-mismatch")).isEqualTo("0");
        assertThat(browser.findElement(By.id("planted-bug")).isSelected()).as("started with the planted bug").isTrue();

        WebElement shadow = browser.findElement(By.id("stage-SHADOW"));
        shadow.click();
        wait.until(ExpectedConditions.textToBe(By.id("route-stage"), "SHADOW"));
        assertThat(text(browser, "route-write")).isEqualTo("BOTH");
        wait.until(ExpectedConditions.attributeToBe(By.id("stage-SHADOW"), "aria-pressed", "true"));

        // Dual writes are on: the backfill may copy the history now, and the verifier then finds the models equal.
        browser.findElement(By.id("backfill-button")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("progress-incidents"), "value", "1"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("backfill-button")));
        assertThat(text(browser, "backfill-last")).contains("finished, 1,000 rows scanned");
        browser.findElement(By.id("verify-button")).click();
        wait.until(ExpectedConditions.textMatches(By.id("verify-summary"), java.util.regex.Pattern.compile(
                "incidents: clean")));

        // Traffic from a client of the API, a few rounds of it so the chart has more than one bar.
        String monitoring = api.createIncident("org-003", "Payments retried", "monitoring");
        List<String> others = List.of(api.createIncident("org-003", "Latency spike", "investigating"),
                api.createIncident("org-004", "Queue backlog", "fixing"));
        for (int round = 0; round < 20; round++) {
            api.get("/api/organisations/org-00" + (1 + round % 4) + "/incidents");
            for (String id : others) {
                api.get("/api/incidents/" + id);
            }
            api.get("/api/incidents/" + monitoring);
            Thread.sleep(500);
        }

        wait.until(page -> number(page, "count-match") > 0 && number(page, "count-mismatch") > 0);
        // Comparisons end on two threads, so the findById mismatch need not be the newest row: look for it.
        By statusRow = By.xpath("//table[@id='mismatches']/tbody/tr[td[contains(@class, 'path') and .='$.status']]");
        String row = wait.until(page -> page.findElements(statusRow).stream().findFirst().map(WebElement::getText)
                .orElse(null));
        assertThat(row).contains("findById", "OLD", "\"monitoring\"", "\"fixing\"");
        assertThat(browser.findElements(By.cssSelector("#chart rect.match"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#chart rect.mismatch"))).isNotEmpty();
        assertThat(browser.findElement(By.id("message")).isDisplayed()).as("no action failed").isFalse();
        Files.write(TARGET.resolve("operator-page.png"), screenshot(browser));

        // The fix, from the page: the bug's switch reaches the server, and the page shows it off from then on.
        WebElement plantedBug = browser.findElement(By.id("planted-bug"));
        plantedBug.click();
        ApiClient.eventually(() -> api.state().get("plantedBug").getAsBoolean(), planted -> !planted,
                "the planted bug to be switched off");
        wait.until(ExpectedConditions.elementSelectionStateToBe(By.id("planted-bug"), false));

        // The migration record: the route history, newest first, with where each change came from, and the
        // evidence that made the new model complete.
        By shadowTaken = By.xpath("//table[@id='history']/tbody/tr[td[contains(@class, 'route')"
                + " and starts-with(., 'OLD_ONLY') and contains(., 'SHADOW')]]");
        String taken = wait.until(page -> page.findElements(shadowTaken).stream().findFirst()
                .map(WebElement::getText).orElse(null));
        assertThat(taken).contains("ROUTE_SOURCE", "in-memory routes");
        assertThat(text(browser, "history")).contains("BACKFILL", "VERIFICATION", "DEFAULT_ROUTE");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("side-NEW"), "COMPLETE"));
        assertThat(text(browser, "record-verification")).contains("clean verification");
        assertThat(text(browser, "record-pending")).isEqualTo("none waiting");

        // A stage the rules refuse: the page says why, and the route stays.
        browser.findElement(By.id("stage-NEW_ONLY")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                "NEW_ONLY refused, SHADOW stays"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stage-refusal"),
                "writes to OLD cannot stop"));
        assertThat(text(browser, "route-stage")).isEqualTo("SHADOW");
        assertThat(api.state().getAsJsonObject("route").get("stage").getAsString()).isEqualTo("SHADOW");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('record-heading').scrollIntoView();");
        Files.write(TARGET.resolve("operator-page-record.png"), screenshot(browser));

        crossOriginRequestsAreRefused(browser, server);

        // Without the token (another tab, or its session storage gone) the page shows nothing of the migration
        // and says how to open it.
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("connection"),
                "the operator API needs the operator token"));
        assertThat(text(browser, "route-stage")).isEqualTo("–");
    }

    /**
     * A page of another site (served here by a server of its own, with no policy of its own) posts to the stage: a
     * plain post, which browsers send without asking first, reaches the server with that page's Origin and changes
     * nothing; a JSON post with the token is never sent, as its preflight gets no CORS grant. The stage stays.
     */
    private static void crossOriginRequestsAreRefused(WebDriver browser, Server server) throws IOException {
        JavascriptExecutor script = (JavascriptExecutor) browser;
        String stageUri = server.uri().resolve("/api/operator/stage").toString();
        String own = browser.getWindowHandle();
        HttpServer otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        otherSite.createContext("/", exchange -> {
            try (exchange) {
                byte[] page = "<!doctype html><title>another site</title><p>nothing to see"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
            }
        });
        otherSite.start();
        browser.switchTo().newWindow(WindowType.TAB);
        try {
            browser.get("http://localhost:" + otherSite.getAddress().getPort() + "/");
            Object simple = script.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0], { method: 'POST', mode: 'no-cors', body: '{"stage": "DUAL_WRITE"}',
                        headers: { 'Content-Type': 'text/plain' } })
                      .then(response => done('sent: ' + response.type), error => done('failed: ' + error));
                    """, stageUri);
            assertThat(String.valueOf(simple)).as("the browser sent it (its answer opaque)").isEqualTo("sent: opaque");
            Object withToken = script.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0], { method: 'POST', body: '{"stage": "DUAL_WRITE"}',
                        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + arguments[1] } })
                      .then(response => done('status ' + response.status), error => done('failed: ' + error));
                    """, stageUri, server.operatorToken());
            assertThat(String.valueOf(withToken)).as("a cross-origin JSON post with the token").startsWith("failed");
        } finally {
            browser.close();
            browser.switchTo().window(own);
            otherSite.stop(0);
        }
        assertThat(new ApiClient(server).state().getAsJsonObject("route").get("stage").getAsString())
                .as("the stage after the other origin's requests").isEqualTo("SHADOW");
        // What the server answers that page's Origin, seen from a client that shows the status: 403.
        ApiClient.Reply refused = new ApiClient(server).withHeaders(Map.of("Authorization", "Bearer "
                + server.operatorToken(), "Origin", "http://localhost:" + otherSite.getAddress().getPort()))
                .post("/api/operator/stage", "{\"stage\": \"DUAL_WRITE\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static long number(WebDriver browser, String id) {
        return Long.parseLong(text(browser, id).trim());
    }

    private static byte[] screenshot(WebDriver browser) {
        return ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    }
}
