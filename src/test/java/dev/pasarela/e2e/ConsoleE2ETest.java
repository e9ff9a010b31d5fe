package dev.pasarela.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The operator console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them), on the management port as a deployment
 * would have it: a stranger gets the login page and no data; the operator logs in, sees every
 * route Camel runs, opens one route's diagram and reads a dead-letter queue's depth. Screenshots
 * go to {@code target/console/}.
 */
@Tag("e2e")
@GatewayTest
@DisableJmx(false) // Camel's test support turns JMX off; the console is made of it
@TestPropertySource(properties = {"pasarela.console.user=" + ConsoleE2ETest.USER,
        "pasarela.console.password=" + ConsoleE2ETest.PASSWORD, "management.server.port=0"})
class ConsoleE2ETest {

    static final String USER = "operator";
    static final String PASSWORD = "console-e2e-password-0123456789";
    static final String DLQ = Queues.DLQ_PREFIX + "stripe.in.deliver";
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console");

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;
    @Autowired
    CamelContext camel;
    @Autowired
    JmsTemplate jms;
    ChromeDriver browser;
    WebDriverWait wait;
    String console;

    @BeforeEach
    void browser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("PASARELA_REQUIRE_BROWSER") != null) { // .ci/run: skipping would hide the proof
            assertThat(installed).as("headless Chromium and chromedriver (.ci/run installs them)").isTrue();
        }
        assumeTrue(installed, "SKIPPED: no headless Chromium here (apt-get install chromium chromium-driver; .ci/run does it)");
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        console = "http://127.0.0.1:" + managementPort;
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aStrangerGetsTheLoginPageAndNoData() throws IOException {
        browser.get(console + "/actuator/hawtio/camel/routes");
        wait.until(b -> b.getCurrentUrl().endsWith("/login"));
        String page = browser.getPageSource();
        assertThat(browser.findElements(By.id("password"))).hasSize(1);
        assertThat(page).doesNotContain(routeIds().toArray(String[]::new)).doesNotContain("org.apache.camel", "Hawtio");
        screenshot("login.png");

        browser.get(console + "/actuator/jolokia/read/java.lang:type=Memory");
        assertThat(browser.getPageSource()).doesNotContain("HeapMemoryUsage");

        Http http = new Http(managementPort);
        Http.Response read = http.send(HttpRequest.newBuilder(
                URI.create(http.base() + "/actuator/jolokia/read/java.lang:type=Memory")).GET());
        assertThat(read.status()).isEqualTo(401);
        assertThat(read.body()).doesNotContain("HeapMemoryUsage");
        Http.Response list = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/actuator/jolokia"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"list\"}")));
        assertThat(list.status()).isIn(401, 403);
        assertThat(list.body()).doesNotContain("org.apache.camel", "artemis");
        // the management port keeps the metrics behind the ops token
        Http.Response metrics = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/actuator/prometheus")).GET());
        assertThat(metrics.status()).isEqualTo(401);
        assertThat(http.ops("GET", "/actuator/prometheus", null, GatewayTest.OPS_TOKEN).status()).isEqualTo(200);
        // the console is on the management port only
        assertThat(new Http(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/jolokia/read/java.lang:type=Memory")).GET()).body()).doesNotContain("HeapMemoryUsage");
    }

    @Test
    void anOperatorSeesEveryRouteAFlowDiagramAndTheDeadLetterDepth() throws IOException {
        jms.convertAndSend(DLQ, "{\"id\":\"evt_console_e2e\"}");
        logIn();

        // the routes table: every route Camel runs, by id
        Set<String> ids = routeIds();
        browser.get(console + "/actuator/hawtio/camel/routes");
        wait.until(b -> names(b.findElements(By.cssSelector("td[data-label='Name']"))).containsAll(ids));
        assertThat(names(browser.findElements(By.cssSelector("td[data-label='Name']")))).isEqualTo(ids);
        screenshot("routes.png");

        // one route's diagram, with the route's own first step
        String route = ids.contains("stripe.in.receive") ? "stripe.in.receive" : ids.iterator().next();
        browser.findElement(By.xpath("//button[contains(@class,'tree-view__node-text') and normalize-space()='"
                + route + "']")).click();
        wait.until(b -> b.getCurrentUrl().contains("/camel/routeDiagram")
                && !b.findElements(By.cssSelector(".react-flow__node")).isEmpty()
                && b.findElements(By.tagName("h1")).stream().anyMatch(h -> h.getText().trim().equals(route)));
        String firstStep = firstStepId(route);
        if (firstStep != null) {
            wait.until(b -> b.getPageSource().contains("ID: " + firstStep));
        }
        screenshot("route-diagram.png");

        // the dead-letter queue's MessageCount in the JMX tree
        browser.get(console + "/actuator/hawtio/jmx");
        WebElement search = wait.until(b -> b.findElement(By.id("input-search")));
        search.sendKeys(DLQ);
        wait.until(b -> b.findElement(By.xpath("//button[contains(@class,'tree-view__node-text') and normalize-space()="
                + "'anycast']/ancestor::li[1]//button[contains(@class,'tree-view__node-text') and normalize-space()='"
                + DLQ + "']"))).click();
        By count = By.xpath("//td[normalize-space()='MessageCount']/following-sibling::td[1]");
        wait.until(b -> !b.findElements(count).isEmpty() && b.findElement(count).getText().trim().matches("[1-9][0-9]*"));
        // MessageCount in view for the screenshot (scrollIntoView also scrolls sideways: undone)
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'});"
                + " document.querySelectorAll('*').forEach(e => { if (e.scrollLeft) e.scrollLeft = 0; });",
                browser.findElement(count));
        System.out.println("console: " + DLQ + " MessageCount " + browser.findElement(count).getText().trim()
                + "; screenshot " + screenshot("dlq-queue.png").toAbsolutePath());
    }

    void logIn() {
        browser.get(console + "/actuator/hawtio/");
        wait.until(b -> b.getCurrentUrl().endsWith("/login"));
        browser.findElement(By.id("username")).sendKeys(USER);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(b -> b.getCurrentUrl().contains("/actuator/hawtio/") && b.getTitle().contains("Hawtio"));
    }

    Set<String> routeIds() {
        return camel.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toCollection(TreeSet::new));
    }

    String firstStepId(String route) {
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(route);
        List<ProcessorDefinition<?>> outputs = definition == null ? List.of() : definition.getOutputs();
        return outputs.isEmpty() ? null : outputs.get(0).getId();
    }

    static Set<String> names(List<WebElement> cells) {
        return cells.stream().map(c -> c.getText().trim()).collect(Collectors.toCollection(TreeSet::new));
    }

    Path screenshot(String name) throws IOException {
        Path to = SCREENSHOTS.resolve(name);
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), to,
                StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
