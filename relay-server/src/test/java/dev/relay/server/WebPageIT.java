package dev.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relay.core.chat.ServerLine.Kind;
import dev.relay.testing.TestClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser: Debian's headless Chromium, driven through its own chromedriver
 * ({@value #DRIVER}; Selenium Manager is never asked to download one), against a live server. Two
 * browsers and an {@code nc}-style socket talk in one room; hostile text stays text; the page comes back
 * after the server restarts on the same port; nothing overflows at phone width. Screenshots go to
 * {@code target/screenshots}.
 *
 * <p>Without Chromium this fails, unless {@code RELAY_SKIP_BROWSER=1} (then it is skipped); {@code .ci/run}
 * installs {@code chromium} and {@code chromium-driver}.
 */
@Timeout(120)
class WebPageIT {

    static final String DRIVER = "/usr/bin/chromedriver";
    static final String BROWSER = "/usr/bin/chromium";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    final Opened opened = new Opened();
    private RelayServer server;

    @BeforeAll
    static void needsChromium() {
        boolean present = new File(DRIVER).canExecute() && new File(BROWSER).canExecute();
        if (!present && "1".equals(System.getenv("RELAY_SKIP_BROWSER"))) {
            Assumptions.abort("no Chromium here, and RELAY_SKIP_BROWSER=1");
        }
        assertThat(present).as(DRIVER + " and " + BROWSER + " (apt-get install chromium chromium-driver)").isTrue();
    }

    private RelayServer start(int port) {
        server = opened.add(new RelayServer(RelayServerConfig.builder().host("127.0.0.1").port(port).build()).start());
        return server;
    }

    private WebDriver browser(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=" + Math.max(width, 800) + "," + height, "--force-device-scale-factor=1");
        if (width < 500) { // narrower than a desktop window goes: emulate the phone's screen instead
            options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
                    java.util.Map.of("width", width, "height", height, "pixelRatio", 1.0)));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        opened.add(browser::quit);
        browser.manage().timeouts().scriptTimeout(WAIT);
        return browser;
    }

    private WebDriver openPage(WebDriver browser, String nick) {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        WebElement field = browser.findElement(By.id("nick"));
        field.clear();
        field.sendKeys(nick);
        browser.findElement(By.id("connect-button")).click();
        awaitStatus(browser, "connected as " + nick);
        return browser;
    }

    private static void awaitStatus(WebDriver browser, String text) {
        new WebDriverWait(browser, WAIT).withMessage(() -> "status '" + text + "', was '"
                        + browser.findElement(By.id("status")).getText() + "'")
                .until(b -> b.findElement(By.id("status")).getText().contains(text));
    }

    /** Types {@code line} and sends it with the Enter key, as at a keyboard. */
    private static void type(WebDriver browser, String line) {
        browser.findElement(By.id("input")).sendKeys(line, Keys.ENTER);
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.id("input")).getDomProperty("value").isEmpty());
    }

    /** Types {@code line} and taps Send, as on a phone. */
    private static void tap(WebDriver browser, String line) {
        WebElement input = browser.findElement(By.id("input"));
        input.sendKeys(line);
        browser.findElement(By.cssSelector("#composer button[type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.id("input")).getDomProperty("value").isEmpty());
    }

    /** Waits until the current room shows a message from {@code nick} with exactly {@code text}. */
    private static WebElement awaitMessage(WebDriver browser, String nick, String text) {
        return new WebDriverWait(browser, WAIT).withMessage(() -> "a message '" + text + "' from " + nick)
                .until(b -> b.findElements(By.cssSelector("#messages .message")).stream()
                        .filter(m -> !m.findElements(By.cssSelector(".nick")).isEmpty())
                        .filter(m -> m.findElement(By.cssSelector(".nick")).getText().contains(nick)
                                && m.findElement(By.cssSelector(".text")).getText().equals(text))
                        .findFirst().orElse(null));
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void twoBrowsersAndAnNcUserChatInOneRoomBothWays() throws Exception {
        start(0);
        TestClient nc = TestClient.line(server.port());
        opened.add(nc);
        nc.send("/hello nick=neo");
        nc.readUntil(Kind.WELCOME);
        WebDriver ann = openPage(browser(1280, 800), "ann");
        WebDriver bob = openPage(browser(1280, 800), "bob");
        List<String> seen = new ArrayList<>();
        nc.readUntil(line -> {
            seen.add(line.toString());
            return line.toString().equals("JOIN lobby bob");
        });
        assertThat(seen).as("the browsers' spare connections, which never speak, are never announced")
                .filteredOn(line -> line.startsWith("JOIN lobby ") && !line.equals("JOIN lobby neo"))
                .containsExactly("JOIN lobby ann", "JOIN lobby bob");

        type(ann, "hello from ann's browser");
        awaitMessage(bob, "ann", "hello from ann's browser");
        assertThat(nc.readLine()).isEqualTo("MSG lobby ann hello from ann's browser");
        nc.send("hi browsers, nc here");
        awaitMessage(ann, "neo", "hi browsers, nc here");
        awaitMessage(bob, "neo", "hi browsers, nc here");
        type(bob, "/me waves");
        assertThat(nc.readLine()).isEqualTo("ACTION lobby bob waves");
        new WebDriverWait(ann, WAIT).until(b -> b.findElement(By.id("messages")).getText().contains("bob waves"));
        new WebDriverWait(ann, WAIT).until(b -> b.findElements(By.cssSelector(
                "#members li[data-nick='ann'], #members li[data-nick='bob'], #members li[data-nick='neo']")).size() == 3);

        type(ann, "/msg neo psst, just you");
        assertThat(nc.readLine()).isEqualTo("PRIV ann psst, just you");
        screenshot(ann, "web-laptop");
    }

    @Test
    void hostileTextIsShownAsTextAndRunsNothing() throws Exception {
        start(0);
        WebDriver victim = openPage(browser(1280, 800), "victim");
        TestClient nc = TestClient.line(server.port());
        opened.add(nc);
        nc.send("/hello nick=mallory");
        nc.readUntil(Kind.WELCOME);
        String script = "<script>window.pwned = 1</script>";
        String image = "<img src=x onerror=\"window.pwned = 2\">";
        nc.send(script);
        nc.send(image);
        nc.send("/nick <b>bold</b>");
        awaitMessage(victim, "mallory", script);
        WebElement shown = awaitMessage(victim, "mallory", image);
        assertThat(shown.findElements(By.tagName("img"))).isEmpty();
        assertThat(victim.findElements(By.cssSelector("#messages img, #messages script, #members b"))).isEmpty();
        Object pwned = ((JavascriptExecutor) victim).executeScript("return window.pwned === undefined ? null : window.pwned;");
        assertThat(pwned).as("nothing the other client sent ran").isNull();
    }

    @Test
    void thePageReconnectsAfterTheServerRestartsOnTheSamePort() throws Exception {
        start(0);
        int port = server.port();
        WebDriver browser = openPage(browser(1280, 800), "stayer");
        type(browser, "/join ops");
        new WebDriverWait(browser, WAIT).until(b -> !b.findElements(By.cssSelector("#rooms [data-room='ops']")).isEmpty());
        server.close();
        awaitStatus(browser, "reconnecting");
        start(port);
        awaitStatus(browser, "connected as stayer");
        TestClient nc = TestClient.line(port);
        opened.add(nc);
        nc.send("/hello nick=back rooms=ops");
        nc.readUntil(Kind.WELCOME);
        nc.send("/who ops");
        assertThat(nc.readUntil(Kind.WHO).toString()).as("it came back in its rooms").contains("stayer");
        nc.send("welcome back");
        type(browser, "/switch ops");
        awaitMessage(browser, "back", "welcome back");
    }

    @Test
    void atPhoneWidthNothingOverflows() throws Exception {
        start(0);
        WebDriver phone = browser(375, 740);
        openPage(phone, "phone");
        tap(phone, "a-very-long-word-" + "x".repeat(120) + " and a long line of ordinary words to wrap around");
        tap(phone, "/join a-room-with-a-rather-long-name");
        new WebDriverWait(phone, WAIT).until(b -> b.findElements(By.cssSelector("#rooms .room-tab")).size() == 2);
        JavascriptExecutor js = (JavascriptExecutor) phone;
        long viewport = (Long) js.executeScript("return window.innerWidth;");
        long content = (Long) js.executeScript("return document.documentElement.scrollWidth;");
        assertThat(viewport).isLessThanOrEqualTo(400);
        assertThat(content).as("page width at a %d px viewport", viewport).isLessThanOrEqualTo(viewport);
        Object wider = js.executeScript("const w = window.innerWidth; return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)"
                + ".slice(0, 5).join(', ');");
        assertThat(wider).as("elements past the right edge").isEqualTo("");
        phone.findElement(By.cssSelector("#rooms button.room-tab[data-room='lobby']")).click();
        js.executeScript("window.scrollTo(0, 0);");
        screenshot(phone, "web-phone");
    }
}
