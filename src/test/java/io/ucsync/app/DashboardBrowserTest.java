package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ucsync.presence.PresenceSource;

/**
 * The operator's dashboard in a real headless Chromium: signed in, it shows every worker and follows them live;
 * its lab actions travel to the emulators (presence over SIP, calls over T-Library) and the agent states follow;
 * screenshots are checked for the colours of the states the test expects.
 */
class DashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page's colours for the agent states (dashboard/index.html). */
    private static final int READY = 0x2e7d32;
    private static final int NOT_READY = 0xf9a825;
    private static final int LOGGED_OUT = 0x9e9e9e;

    @TempDir
    Path home;

    @Test
    void theOperatorWatchesEveryWorkerLiveAndDrivesTheLabFromThePage() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            for (int i = 1; i <= 3; i++) {
                ucsync.awaitAgent(i, "Ready");
            }
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium, UcsyncHarness.OPERATOR_PASSWORD);
            for (int i = 1; i <= 3; i++) {
                awaitCell(chromium, i, "agent", "Ready");
            }
            assertThat(cell(chromium, 1, "presence")).isEqualTo("Online@user");
            assertThat(cell(chromium, 1, "map")).as("the presence map that decides for the worker").isEqualTo("presence-map.txt");
            assertThat(colours(chromium, home.resolve("1-all-ready.png"), 1, 2, 3)).containsExactly(READY, READY, READY);

            // the operator sets worker 1 Busy on the front end: SIP NOTIFY -> ucsync -> RequestAgentNotReady
            chromium.evaluate(onRow(1, "const s = row.querySelector('select.set-presence'); s.value = '6500'; "
                    + "s.dispatchEvent(new Event('change'))"));
            ucsync.awaitAgent(1, "NotReady Busy");
            awaitCell(chromium, 1, "agent", "NotReady(AuxWork, Busy)");
            assertThat(cell(chromium, 1, "presence")).isEqualTo("Busy@user");

            // changes made elsewhere (here straight on the front end) keep arriving without a reload
            for (int round = 0; round < 3; round++) {
                ucsync.frontEnd().presence(worker(2), 12500, null, PresenceSource.USER);
                awaitCell(chromium, 2, "agent", "NotReady(AuxWork, BeRightBack)");
                ucsync.frontEnd().presence(worker(2), 3500, null, PresenceSource.USER);
                awaitCell(chromium, 2, "agent", "Ready");
            }
            chromium.evaluate(onRow(2, "const s = row.querySelector('select.set-presence'); s.value = '18500'; "
                    + "s.dispatchEvent(new Event('change'))"));
            ucsync.awaitAgent(2, "LoggedOut");
            awaitCell(chromium, 2, "agent", "LoggedOut");

            // a call to worker 3's DN from the page: ringing, then on a call once answered, until the operator hangs up
            clickButton(chromium, 3, "Call");
            await().atMost(Duration.ofSeconds(10)).until(() -> cell(chromium, 3, "flags"), flags -> flags.contains("call ringing"));
            clickButton(chromium, 3, "Answer");
            await().atMost(Duration.ofSeconds(10)).until(() -> cell(chromium, 3, "flags"), flags -> flags.contains("on a call"));
            clickButton(chromium, 3, "Hang up");
            await().atMost(Duration.ofSeconds(10)).until(() -> cell(chromium, 3, "flags"), flags -> !flags.contains("on a call"));

            // a preview offered from the page, declined by the worker on their KW page: NotReady until the timer
            clickButton(chromium, 3, "Offer preview");
            await().atMost(Duration.ofSeconds(10)).until(() -> cell(chromium, 3, "timers"), timers -> timers.startsWith("preview offered until"));
            assertThat(ucsync.api("POST", 3, "/preview/decline").statusCode()).isEqualTo(200);
            ucsync.awaitAgent(3, "NotReady PreviewDeclined");
            awaitCell(chromium, 3, "agent", "NotReady(AuxWork, PreviewDeclined)");
            assertThat(cell(chromium, 3, "timers")).startsWith("preview declined until");

            assertThat(colours(chromium, home.resolve("2-busy-offline-declined.png"), 1, 2, 3))
                    .containsExactly(NOT_READY, LOGGED_OUT, NOT_READY);

            // the audit log of a worker, with the cause of each change
            chromium.evaluate(onRow(1, "row.querySelector('a.worker').click()"));
            await().atMost(Duration.ofSeconds(10)).until(() -> chromium.evaluate("document.getElementById('auditEntries').textContent"),
                    audit -> audit.contains("Ready -> NotReady(AuxWork, Busy)") && audit.contains("presence"));
        }
    }

    @Test
    void withoutTheOperatorsSignInThePageAndItsStreamAndActionsAreRefused() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium, "wrong");
            await().atMost(Duration.ofSeconds(10)).until(() -> chromium.evaluate("document.getElementById('error').textContent"),
                    error -> error.startsWith("401"));
            assertThat(chromium.evaluate("String(document.getElementById('board').hidden)")).isEqualTo("true");

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ucsync.httpPort;
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/dashboard/events")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            HttpResponse<String> presence = http.send(HttpRequest.newBuilder(URI.create(base + "/api/dashboard/lab/presence?worker="
                    + worker(1) + "&availability=6500")).header("X-Requested-With", "ucsync").PUT(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(presence.statusCode()).isEqualTo(401);
            // a worker's KW session is not the operator's
            String workerCookie = ucsync.signIn(1, UcsyncHarness.password(1));
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/dashboard/events")).header("Cookie", workerCookie).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(ucsync.frontEnd().ownPresence(worker(1)).availability()).isEqualTo(UcsyncHarness.ONLINE);
        }
    }

    /** Types the operator password into the sign-in form and submits it. */
    private static void signIn(HeadlessChromium chromium, String password) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(chromium.evaluate("String(document.getElementById('signin').hidden)")));
        chromium.evaluate("document.getElementById('password').value = '" + password + "'");
        chromium.evaluate("document.getElementById('signinButton').click()");
    }

    /** A JavaScript statement run with {@code row} bound to the worker's table row. */
    private static String onRow(int worker, String statement) {
        return "(() => { const row = document.querySelector('tr[data-sip=\"" + worker(worker) + "\"]'); " + statement + "; return 'done'; })()";
    }

    private static String cell(HeadlessChromium chromium, int worker, String column) throws Exception {
        return chromium.evaluate("(() => { const row = document.querySelector('tr[data-sip=\"" + worker(worker) + "\"]'); "
                + "return row ? row.querySelector('td." + column + "').textContent : null; })()");
    }

    private static void awaitCell(HeadlessChromium chromium, int worker, String column, String expected) {
        await().atMost(Duration.ofSeconds(15)).until(() -> cell(chromium, worker, column), expected::equals);
    }

    private static void clickButton(HeadlessChromium chromium, int worker, String text) throws Exception {
        chromium.evaluate(onRow(worker, "[...row.querySelectorAll('button')].find(b => b.textContent === '" + text + "').click()"));
    }

    /** Takes a screenshot (kept beside the test's files) and reads the colour of each worker's agent-state cell in it. */
    private static int[] colours(HeadlessChromium chromium, Path file, int... workers) throws Exception {
        String[] rects = new String[workers.length];
        for (int i = 0; i < workers.length; i++) {
            rects[i] = chromium.evaluate("JSON.stringify(document.querySelector('tr[data-sip=\"" + worker(workers[i])
                    + "\"] td.agent').getBoundingClientRect())");
        }
        byte[] png = chromium.screenshot();
        Files.write(file, png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] colours = new int[workers.length];
        for (int i = 0; i < workers.length; i++) {
            JsonNode rect = JSON.readTree(rects[i]);
            // inside the cell's padding, where only its background shows
            colours[i] = image.getRGB((int) rect.get("left").asDouble() + 2, (int) rect.get("top").asDouble() + 2) & 0xffffff;
        }
        return colours;
    }
}
