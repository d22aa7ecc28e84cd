package io.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in headless Chromium (Debian's chromium and chromium-driver): sign in, watch the
 * overview update while an attack is ingested, open the storyboard graph and timeline, then the
 * image page and the assets; then, as an operator, execute the storyboard's remediation from its
 * Remediation panel against the fabric8 mock cluster and see the audit records. Screenshots go to
 * target/screenshots. Skipped, saying so, when Chromium or its driver is not installed.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class UiBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path dir;

    @TempDir
    Path profile;

    KubernetesClient client;

    @Test
    void overviewStoryboardImageAndAssets() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "browser test skipped: needs /usr/bin/chromium and /usr/bin/chromedriver"
                        + " (apt-get install chromium chromium-driver; .ci/run does)");
        Files.createDirectories(SCREENSHOTS);
        Scenario scenario = new Scenario(Scenario.examples().resolve("log4shell-lateral"));
        MockCluster.load(client, scenario.folder);
        ServerConfig config = TestServer.config(TestServer.storeUrl("sqlite", dir), ServerConfig.DEFAULT_QUEUE_CAPACITY)
                .withCluster(new ClusterTarget(MockCluster.kubeconfig(client, dir), Optional.empty()));
        try (TestServer server = TestServer.start(config)) {
            scenario.uploadDocuments(server);
            List<Scenario.Delivered> telemetry = scenario.inDeliveryOrder();
            scenario.postDelivered(server, telemetry.subList(0, telemetry.size() / 2), 300);
            server.awaitIngested();

            WebDriver browser = chromium();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                // The overview redraws itself (live updates, a timer): a lookup may go stale and is retried.
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(server.uri("/ui/").toString());
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")))
                        .sendKeys(server.viewer);
                browser.findElement(By.cssSelector("#login-form button")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#storyboards tr td")));
                int before =
                        browser.findElements(By.cssSelector("#storyboards tr")).size();
                wait.until(d ->
                        d.findElement(By.id("live")).getDomAttribute("class").contains("on"));
                screenshot(browser, "1-overview-early");

                // The rest of the attack arrives while the page is open: it updates by itself.
                scenario.postDelivered(server, telemetry.subList(telemetry.size() / 2, telemetry.size()), 300);
                server.awaitIngested();
                long logged = server.getJson("/api/v1/status").path("log_seq").asLong();
                // The page redraws itself from the event stream until it shows everything logged.
                wait.until(d -> d.findElement(By.id("counts")).getText().contains(logged + "/" + logged)
                        && !d.findElements(By.cssSelector("#storyboards .sev-critical"))
                                .isEmpty()
                        && d.findElements(By.cssSelector("#storyboards tr")).size() >= before
                        && d.findElement(By.id("images")).getText().contains("orders-api"));
                screenshot(browser, "2-overview-live");

                click(wait, By.cssSelector("#storyboards tr:nth-child(2) a"));
                wait.until(d -> ((Number)
                                        ((JavascriptExecutor) d)
                                                .executeScript(
                                                        "return window.sightlineGraph ? window.sightlineGraph.nodes('[kind=\"process\"]').length : 0"))
                                .intValue()
                        > 2);
                assertThat(browser.findElements(By.cssSelector("#timeline .lane")))
                        .hasSizeGreaterThan(1);
                assertThat(browser.findElement(By.id("reasons")).getText()).isNotEmpty();
                ((JavascriptExecutor) browser)
                        .executeScript(
                                "arguments[0].click()",
                                browser.findElements(By.cssSelector("#timeline .stop"))
                                        .getFirst());
                wait.until(d -> d.findElement(By.id("details")).getText().contains("Evidence"));
                screenshot(browser, "3-storyboard");
                String storyboardPage = browser.getCurrentUrl();

                // The Remediation panel: the plan as a dry run; a viewer is told it cannot execute.
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#remediation-actions tr td")));
                assertThat(browser.findElement(By.id("remediation-actions")).getText())
                        .contains("isolate-workload", "replace-pod", "scale-to-zero");
                assertThat(browser.findElement(By.id("remediation-note")).getText())
                        .contains("operator or admin token");
                assertThat(browser.findElements(By.id("remediation-execute"))).isEmpty();
                WebElement dryRun = browser.findElement(By.cssSelector("#remediation-actions details.dry-run"));
                ((JavascriptExecutor) browser)
                        .executeScript("arguments[0].open = true; arguments[0].scrollIntoView()", dryRun);
                assertThat(dryRun.getText()).contains("POST /apis/networking.k8s.io/v1/namespaces/");
                assertThat(browser.findElement(By.id("audit-empty")).getText()).contains("Nothing executed");
                screenshot(browser, "3b-remediation-dry-run");

                browser.get(server.uri("/ui/#/").toString());
                click(wait, By.cssSelector("#images tr:nth-child(2) a"));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#fixes tr td")));
                assertThat(browser.findElement(By.id("factors")).getText()).isNotEmpty();
                screenshot(browser, "4-image");

                browser.get(server.uri("/ui/#/assets").toString());
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tree li")));
                browser.findElement(By.id("search")).sendKeys("inventory-svc");
                wait.until(d -> d.findElement(By.id("tree")).getText().contains("inventory-svc"));
                screenshot(browser, "5-assets");

                // An operator executes the plan from the panel; the audit records appear under it.
                ((JavascriptExecutor) browser)
                        .executeScript("sessionStorage.setItem('sightline.token', arguments[0])", server.operator);
                browser.get(storyboardPage);
                browser.navigate().refresh();
                click(wait, By.id("remediation-execute"));
                click(wait, By.id("remediation-confirm"));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#audit tr td")));
                String audit = browser.findElement(By.id("audit")).getText();
                assertThat(audit).contains(TestServer.tokenId(server.operator) + " (operator)", "isolate-workload");
                assertThat(client.network()
                                .v1()
                                .networkPolicies()
                                .inAnyNamespace()
                                .list()
                                .getItems())
                        .isNotEmpty();
                ((JavascriptExecutor) browser).executeScript("document.getElementById('audit').scrollIntoView()");
                screenshot(browser, "6-remediation-executed");
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "failure");
                Files.writeString(SCREENSHOTS.resolve("failure.html"), browser.getPageSource());
                throw e;
            } finally {
                browser.quit();
            }
        }
    }

    /** Clicks once the element is there; the overview redraws itself, so a stale find is retried. */
    private static void click(WebDriverWait wait, By locator) {
        wait.until(d -> {
            d.findElement(locator).click();
            return true;
        });
    }

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }
}
