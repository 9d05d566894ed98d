package io.dualrepo.sample.spring.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.console.OperatorConsoleServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The Spring sample's operator console in headless Chromium, opened as the application prints it: a stage the rules
 * refuse is refused on the page with the reason, the backfill and verification buttons give the evidence, and the
 * stages then move reads to NEW. Needs the system's Chromium and its driver ({@code apt-get install chromium
 * chromium-driver}); only the Maven profile {@code browser} runs it. Leaves {@code target/spring-operator-page.png}.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "dualrepo.console.title=Browser test")
class OperatorConsoleBrowserTest {

    // The system's browser and driver, named outright so that Selenium never looks for (or downloads) its own.
    private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");

    @Autowired
    OperatorConsoleServer console;

    @Autowired
    DualRepoProperties properties;

    @Autowired
    DualRepo dualRepo;

    @Test
    void anOperatorWalksTheIncidentsToLiveFromThePage(@TempDir Path profile) throws Exception {
        assertThat(CHROMIUM).as("Chromium (apt-get install chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
        WebDriver browser = new ChromeDriver(service, options);
        try {
            walk(browser);
            Files.write(TARGET.resolve("spring-operator-page.png"),
                    ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        } catch (Throwable failure) {
            Files.write(TARGET.resolve("spring-operator-page-failure.png"),
                    ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            Files.writeString(TARGET.resolve("spring-operator-page-failure.html"), browser.getPageSource());
            throw failure;
        } finally {
            browser.quit();
            service.stop();
        }
    }

    private void walk(WebDriver browser) {
        // The page redraws what changed every second: an element found a moment ago may be gone; look again.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        String token = properties.getConsole().getToken();
        browser.get(console.uri() + "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBe(By.id("route-stage"), "OLD_ONLY"));
        assertThat(browser.getCurrentUrl()).as("the token is out of the address bar").doesNotContain(token);
        assertThat(browser.findElement(By.id("route-origin")).getText())
                .isEqualTo("in memory (application properties), set from this console");

        stage(browser, wait, "DUAL_WRITE");
        browser.findElement(By.id("stage-LIVE")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                "LIVE refused, DUAL_WRITE stays"));
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.DUAL_WRITE.route());

        browser.findElement(By.id("backfill-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backfill-state"), "finished"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("verify-button"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-state"), "finished, clean"));

        stage(browser, wait, "SHADOW");
        stage(browser, wait, "LIVE");
        assertThat(dualRepo.currentRoute("incidents")).isEqualTo(Stage.LIVE.route());
        assertThat(browser.findElement(By.id("message")).isDisplayed()).as("no action failed").isFalse();
    }

    private static void stage(WebDriver browser, WebDriverWait wait, String stage) {
        browser.findElement(By.id("stage-" + stage)).click();
        wait.until(ExpectedConditions.textToBe(By.id("route-stage"), stage));
    }
}
