package io.wavestash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.HttpConfig;
import io.wavestash.ingest.IngestMetrics;
import io.wavestash.storage.Stores;
import io.wavestash.storage.testing.Sox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in headless Chromium (Debian's {@code chromium}, driven through its {@code chromedriver}): it lists
 * the sensors with their availability, a window picked on it is drawn as a waveform and a spectrogram, and its
 * audio element loads a WAV of the window's length. The screenshot stays in {@code target/browser}.
 */
class BrowserPageTest {
    @TempDir
    Path dir;

    @Test
    void pickASensorAndAWindowSeeItsWaveformAndLoadItsAudio() throws Exception {
        Path store = dir.resolve("store");
        Path a = Sox.synth(dir.resolve("a.wav"), 16_000, 16, "signed-integer", 1, 4.0);
        Path b = Sox.synth(dir.resolve("b.wav"), 44_100, 16, "signed-integer", 2, 3.0);
        // yard: two sessions in two formats with a gap between them; the window picked stays in the first
        for (String[] s : new String[][] {
            {a.toString(), "yard", "2026-11-20T10:00:00Z"},
            {b.toString(), "yard", "2026-11-20T10:00:05Z"},
            {a.toString(), "gate", "2026-11-20T10:00:00Z"}
        }) {
            CliRun run =
                    CliRun.inProcess("import", "--store", store.toString(), "--sensor", s[1], "--start", s[2], s[0]);
            assertThat(run.exit()).as(run.err()).isZero();
        }
        try (IngestMetrics metrics = new IngestMetrics();
                HttpApi api = HttpApi.start(
                        HttpConfig.defaults(), Stores.existing(store).orElseThrow(), metrics.registry())) {
            ChromeOptions options = new ChromeOptions()
                    .setBinary("/usr/bin/chromium")
                    .addArguments(
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--window-size=1400,1000",
                            "--user-data-dir=" + dir.resolve("profile"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get("http://127.0.0.1:" + api.port() + "/");
                wait.until(d -> d.findElements(By.cssSelector("tr.sensor")).size() == 2);
                WebElement yard = browser.findElement(By.cssSelector("tr.sensor[data-sensor='yard']"));
                // the availability timeline: two segments with a gap between them, drawn from /api/availability
                WebElement timeline = yard.findElement(By.cssSelector("canvas.timeline"));
                wait.until(d -> timeline.getDomAttribute("data-segments") != null);
                assertThat(timeline.getDomAttribute("data-segments")).isEqualTo("2");
                assertThat(timeline.getDomAttribute("data-gaps")).isEqualTo("1");

                yard.click();
                WebElement from = browser.findElement(By.id("from"));
                WebElement to = browser.findElement(By.id("to"));
                from.clear();
                from.sendKeys("2026-11-20T10:00:00.5Z");
                to.clear();
                to.sendKeys("2026-11-20T10:00:03Z");
                browser.findElement(By.id("show")).click();
                wait.until(d -> d.findElement(By.tagName("body")).getDomAttribute("data-shown") != null);
                String status = browser.findElement(By.id("status")).getText();
                assertThat(status).startsWith("yard: 2.500 s, 16000 Hz, 1 ch");

                JavascriptExecutor js = browser;
                // the waveform: a column per pixel, and ink on the canvas (sox's noise fills most of its height)
                assertThat(browser.findElement(By.id("waveform")).getDomAttribute("data-columns"))
                        .isEqualTo("1200");
                long inked = (Long) js.executeScript(
                        "const c = document.getElementById(arguments[0]);"
                                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                + "let n = 0; for (let i = 0; i < d.length; i += 4)"
                                + " if (d[i] < 128 && d[i + 2] > 128) n++; return n;",
                        "waveform");
                assertThat(inked).as("waveform pixels drawn").isGreaterThan(1200 * 20);
                long distinct = (Long) js.executeScript("const c = document.getElementById('spectrogram');"
                        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "const seen = new Set(); for (let i = 0; i < d.length; i += 4) seen.add(d[i]);"
                        + "return seen.size;");
                assertThat(distinct).as("spectrogram shades").isGreaterThan(20);

                // the audio element loads the window as a WAV of its length
                wait.until(d ->
                        ((Number) js.executeScript("return document.getElementById('player').readyState;")).intValue()
                                >= 1);
                double duration =
                        ((Number) js.executeScript("return document.getElementById('player').duration;")).doubleValue();
                assertThat(duration).isCloseTo(2.5, org.assertj.core.data.Offset.offset(0.001));
                String src = (String) js.executeScript("return document.getElementById('player').currentSrc;");
                assertThat(src).contains("/api/waveform?sensor=yard");

                Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
                Path kept =
                        Files.createDirectories(Path.of("target", "browser")).resolve("page.png");
                Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(kept)).isGreaterThan(10_000);
                List<String> errors =
                        browser.manage().logs().getAvailableLogTypes().contains("browser")
                                ? browser.manage().logs().get("browser").getAll().stream()
                                        .filter(e ->
                                                e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                                        .map(Object::toString)
                                        .toList()
                                : List.of();
                assertThat(errors).as("errors in the page's console").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }
}
