package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KW page in a real headless Chromium: the worker sees their states and changes their availability by clicking. */
class KwPageBrowserTest {

    @TempDir
    Path home;

    @Test
    void aWorkerSeesTheirStatesAndTurnsContactCenterWorkOffAndOnByClicking() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw?worker=" + worker(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> "Ready".equals(chromium.evaluate("document.getElementById('agentState').textContent")));
            assertThat(chromium.evaluate("document.getElementById('presence').textContent")).isEqualTo("Online@user");
            assertThat(chromium.evaluate("String(document.getElementById('available').checked)")).isEqualTo("true");

            chromium.evaluate("document.getElementById('available').click()");
            ucsync.awaitAgent(1, "NotReady CCDoNotDisturb");
            await().atMost(Duration.ofSeconds(10)).until(() -> "NotReady(AuxWork, CCDoNotDisturb)"
                    .equals(chromium.evaluate("document.getElementById('agentState').textContent")));

            chromium.evaluate("document.getElementById('available').click()");
            ucsync.awaitAgent(1, "Ready");

            chromium.evaluate("document.getElementById('declinePreview').click()");
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");
            await().atMost(Duration.ofSeconds(10)).until(() -> !"-".equals(chromium.evaluate("document.getElementById('previewDeclinedUntil').textContent")));

            byte[] screenshot = chromium.screenshot();
            Files.write(home.resolve("kw-page.png"), screenshot);
            assertThat(screenshot).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void withoutAWorkerThePageAsksForTheSipAddress() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/kw");
            assertThat(chromium.evaluate("String(document.getElementById('signin').hidden)")).isEqualTo("false");
            assertThat(chromium.evaluate("String(document.getElementById('worker').hidden)")).isEqualTo("true");
        }
    }
}
