package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KW page in a real headless Chromium: the worker signs in, sees their states and acts on them by clicking. */
class KwPageBrowserTest {

    private static final String TOKEN = "routing-system-secret";

    @TempDir
    Path home;

    @Test
    void aWorkerSignsInSeesTheirStatesTurnsContactCenterWorkOffAndOnAndDeclinesAnOfferedPreview() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.kw.preview-api-token=" + TOKEN).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            signIn(chromium, UcsyncHarness.password(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> "Ready".equals(chromium.evaluate("document.getElementById('agentState').textContent")));
            assertThat(chromium.evaluate("document.getElementById('presence').textContent")).isEqualTo("Online@user");
            assertThat(chromium.evaluate("String(document.getElementById('available').checked)")).isEqualTo("true");

            chromium.evaluate("document.getElementById('available').click()");
            ucsync.awaitAgent(1, "NotReady CCDoNotDisturb");
            await().atMost(Duration.ofSeconds(10)).until(() -> "NotReady(AuxWork, CCDoNotDisturb)"
                    .equals(chromium.evaluate("document.getElementById('agentState').textContent")));

            chromium.evaluate("document.getElementById('available').click()");
            ucsync.awaitAgent(1, "Ready");

            ucsync.previewApi("POST", "?worker=" + URLEncoder.encode(worker(1), StandardCharsets.UTF_8) + "&timeout=60", TOKEN);
            await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(chromium.evaluate("String(document.getElementById('offer').hidden)")));
            chromium.evaluate("document.getElementById('declinePreview').click()");
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");
            await().atMost(Duration.ofSeconds(10)).until(() -> !"-".equals(chromium.evaluate("document.getElementById('previewDeclinedUntil').textContent")));
            assertThat(chromium.evaluate("String(document.getElementById('offer').hidden)")).isEqualTo("true");

            byte[] screenshot = chromium.screenshot();
            Files.write(home.resolve("kw-page.png"), screenshot);
            assertThat(screenshot).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void aWrongPasswordIsRefusedOnThePage() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            assertThat(chromium.evaluate("String(document.getElementById('signin').hidden)")).isEqualTo("false");
            signIn(chromium, "wrong");
            await().atMost(Duration.ofSeconds(10)).until(() -> chromium.evaluate("document.getElementById('error').textContent"),
                    error -> error.startsWith("401"));
            assertThat(chromium.evaluate("String(document.getElementById('worker').hidden)")).isEqualTo("true");
        }
    }

    /** Types the address and password into the sign-in form and submits it, as a worker would. */
    private static void signIn(HeadlessChromium chromium, String password) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(chromium.evaluate("String(document.getElementById('signin').hidden)")));
        chromium.evaluate("document.getElementById('sipUri').value = '" + worker(1) + "'");
        chromium.evaluate("document.getElementById('password').value = '" + password + "'");
        chromium.evaluate("document.getElementById('signinButton').click()");
    }
}
