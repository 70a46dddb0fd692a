package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KW page in a real headless Chromium, used with the keyboard only: the worker signs in, sees their states,
 * switches contact-center DND on and off, sees an offered preview with the time left, accepts one and declines
 * another, and then sees the time left of the NotReady window; on a phone's screen the page fits and its controls are
 * large enough to touch.
 */
class KwPageBrowserTest {

    private static final String TOKEN = "routing-system-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page's colour for NotReady (kw/index.html). */
    private static final int NOT_READY = 0xf9a825;

    @TempDir
    Path home;

    @Test
    void aWorkerSwitchesDndAcceptsOnePreviewAndDeclinesAnotherWithTheKeyboardSeeingTheTimeLeft() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.kw.preview-api-token=" + TOKEN)
                        .start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            signIn(chromium, UcsyncHarness.password(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "agentState"), "Ready"::equals);
            assertThat(text(chromium, "presence")).isEqualTo("Online@user");
            assertThat(chromium.evaluate("document.getElementById('ccDnd').getAttribute('role')"))
                    .isEqualTo("switch");
            assertThat(chromium.evaluate("document.getElementById('ccDnd').labels[0].textContent.trim()"))
                    .isEqualTo("Do not disturb for contact-center work");
            assertThat(chromium.evaluate("String(document.getElementById('ccDnd').checked)"))
                    .isEqualTo("false");

            // the DND switch, with the space bar
            chromium.evaluate("document.getElementById('ccDnd').focus()");
            chromium.press(" ");
            ucsync.awaitAgent(1, "NotReady CCDoNotDisturb");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> text(chromium, "agentState"), "NotReady(AuxWork, CCDoNotDisturb)"::equals);
            assertThat(chromium.evaluate("String(document.getElementById('ccDnd').checked)"))
                    .isEqualTo("true");
            chromium.press(" ");
            ucsync.awaitAgent(1, "Ready");

            // an offer takes the focus on Accept, with the time left counting down; Enter accepts it
            String accepted = offer(ucsync, 30);
            await().atMost(Duration.ofSeconds(10)).until(() -> visible(chromium, "offer"));
            assertThat(secondsIn(text(chromium, "offerRemaining"))).isBetween(20, 30);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> chromium.evaluate("document.activeElement.id"), "acceptPreview"::equals);
            int left = secondsIn(text(chromium, "offerRemaining"));
            await().atMost(Duration.ofSeconds(5)).until(() -> secondsIn(text(chromium, "offerRemaining")) < left);
            chromium.press("Enter");
            await().atMost(Duration.ofSeconds(10)).until(() -> !visible(chromium, "offer"));
            assertThat(status(ucsync, accepted)).isEqualTo("accepted");
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("Ready");

            // another offer: Tab from Accept to Decline, Enter declines: NotReady for the window, its time left shown
            String declined = offer(ucsync, 60);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> chromium.evaluate("document.activeElement.id"), "acceptPreview"::equals);
            chromium.press("Tab");
            assertThat(chromium.evaluate("document.activeElement.id")).isEqualTo("declinePreview");
            chromium.press("Enter");
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");
            await().atMost(Duration.ofSeconds(10)).until(() -> visible(chromium, "declineWindow"));
            assertThat(status(ucsync, declined)).isEqualTo("declined");
            assertThat(visible(chromium, "offer")).isFalse();
            int windowLeft = secondsIn(text(chromium, "declineRemaining"));
            assertThat(windowLeft).as("ucsync.notready-timeout, 5 min").isBetween(290, 300);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> secondsIn(text(chromium, "declineRemaining")) <= windowLeft - 2);
            assertThat(colourOf(chromium, home.resolve("kw-page.png"), "agentState"))
                    .isEqualTo(NOT_READY);

            // the agent desktop makes the agent Ready inside the window: the page says who did, and that it stays
            try (AgentDesktop desktop =
                    AgentDesktop.connectedTo(ucsync.tserver().port())) {
                desktop.ready(UcsyncHarness.dn(1));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "agentState"), "Ready"::equals);
            await().atMost(Duration.ofSeconds(10)).until(() -> visible(chromium, "externalChange"));
            assertThat(text(chromium, "externalChange"))
                    .startsWith("set by another T-Server client at ")
                    .endsWith("; it stays until your presence changes");
        }
    }

    @Test
    void onAPhoneThePageFitsItsWidthAndEveryControlIsLabelledAndLargeEnoughToTouch() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.kw.preview-api-token=" + TOKEN)
                        .start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.emulateScreen(360, 740, true);
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            assertThat(unlabelledControls(chromium)).isEqualTo("");
            signIn(chromium, UcsyncHarness.password(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "agentState"), "Ready"::equals);
            offer(ucsync, 60);
            await().atMost(Duration.ofSeconds(10)).until(() -> visible(chromium, "offer"));

            assertThat(chromium.evaluate("String(document.documentElement.scrollWidth <= window.innerWidth)"))
                    .as("no sideways scrolling on a 360 px wide screen")
                    .isEqualTo("true");
            assertThat(chromium.evaluate("getComputedStyle(document.body).fontSize"))
                    .isEqualTo("16px");
            assertThat(
                            chromium.evaluate(
                                    "[...document.querySelectorAll('#worker button')].filter(b => b.offsetParent)"
                                            + ".map(b => b.id + ':' + Math.round(b.getBoundingClientRect().height)).filter(s => +s.split(':')[1] < 44).join()"))
                    .as("buttons of at least 44 px")
                    .isEmpty();
            assertThat(unlabelledControls(chromium)).isEqualTo("");
            Files.write(home.resolve("kw-phone.png"), chromium.screenshot());
        }
    }

    @Test
    void aWrongPasswordIsRefusedOnThePage() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            signIn(chromium, "wrong");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> text(chromium, "error"), error -> error.startsWith("401"));
            assertThat(visible(chromium, "worker")).isFalse();
        }
    }

    /** Types the address and password into the sign-in form and submits it with Enter, as a worker would. */
    private static void signIn(HeadlessChromium chromium, String password) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> visible(chromium, "signin"));
        chromium.evaluate("document.getElementById('sipUri').value = '" + worker(1) + "'");
        chromium.evaluate("document.getElementById('password').value = '" + password + "'");
        chromium.evaluate("document.getElementById('password').focus()");
        chromium.press("Enter");
    }

    /** The routing system offers worker 1 a preview; its id. */
    private static String offer(UcsyncHarness ucsync, int timeoutSeconds) throws Exception {
        HttpResponse<String> offered = ucsync.previewApi(
                "POST",
                "?worker=" + URLEncoder.encode(worker(1), StandardCharsets.UTF_8) + "&timeout=" + timeoutSeconds,
                TOKEN);
        assertThat(offered.statusCode()).isEqualTo(200);
        return JSON.readTree(offered.body()).path("id").asText();
    }

    /** What became of an offer, as the routing system reads it. */
    private static String status(UcsyncHarness ucsync, String id) throws Exception {
        JsonNode offer = JSON.readTree(ucsync.previewApi("GET", "/" + id, TOKEN).body());
        return offer.path("status").asText();
    }

    /** The inputs and buttons shown with neither a label nor a text of their own, by id. */
    private static String unlabelledControls(HeadlessChromium chromium) throws Exception {
        return chromium.evaluate(
                "[...document.querySelectorAll('input, button')].filter(c => c.offsetParent)"
                        + ".filter(c => !(c.labels && c.labels.length) && !c.textContent.trim() && !c.getAttribute('aria-label')).map(c => c.id).join()");
    }

    private static String text(HeadlessChromium chromium, String id) throws Exception {
        return chromium.evaluate("document.getElementById('" + id + "').textContent.trim()");
    }

    private static boolean visible(HeadlessChromium chromium, String id) throws Exception {
        return "false".equals(chromium.evaluate("String(document.getElementById('" + id + "').hidden)"));
    }

    /** The seconds in "4 min 32 s" or "27 s". */
    private static int secondsIn(String remaining) {
        Matcher matcher = Pattern.compile("(?:(\\d+) min )?(\\d+) s").matcher(remaining);
        assertThat(matcher.matches()).as(remaining).isTrue();
        return (matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1)) * 60)
                + Integer.parseInt(matcher.group(2));
    }

    /** Takes a screenshot (kept beside the test's files) and reads the colour of the element, inside its padding. */
    private static int colourOf(HeadlessChromium chromium, Path file, String id) throws Exception {
        JsonNode rect = JSON.readTree(
                chromium.evaluate("JSON.stringify(document.getElementById('" + id + "').getBoundingClientRect())"));
        byte[] png = chromium.screenshot();
        Files.write(file, png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRGB((int) rect.get("left").asDouble() + 2, (int)
                        (rect.get("top").asDouble() + rect.get("height").asDouble() / 2))
                & 0xffffff;
    }
}
