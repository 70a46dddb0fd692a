package io.ucsync.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Chromium (Debian package {@code chromium}), headless, driven over the DevTools protocol on a WebSocket:
 * navigate, evaluate JavaScript in the page (to read it and to click), take a screenshot. A missing chromium fails
 * the test that needs it.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final Process process;
    private final WebSocket page;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    HeadlessChromium(Path profile) throws Exception {
        this(profile, List.of());
    }

    /** A Chromium that also trusts the certificates whose public keys have these SHA-256 hashes (base64). */
    HeadlessChromium(Path profile, List<String> trustedPublicKeyHashes) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1000,800",
                "--user-data-dir=" + profile));
        if (!trustedPublicKeyHashes.isEmpty()) {
            command.add("--ignore-certificate-errors-spki-list=" + String.join(",", trustedPublicKeyHashes));
        }
        command.add("about:blank");
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String browserUrl = null;
        for (String line; browserUrl == null && (line = output.readLine()) != null; ) {
            Matcher matcher = DEVTOOLS.matcher(line);
            if (matcher.find()) {
                browserUrl = matcher.group(1);
            }
        }
        if (browserUrl == null) {
            throw new IllegalStateException("chromium did not start its DevTools endpoint");
        }
        Thread drain = new Thread(() -> output.lines().forEach(line -> {}), "chromium-output");
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(browserUrl);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://" + browser.getHost() + ":" + browser.getPort() + "/json/list"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        String pageUrl = null;
        for (JsonNode target : JSON.readTree(list)) {
            if ("page".equals(target.path("type").asText())) {
                pageUrl = target.path("webSocketDebuggerUrl").asText();
            }
        }
        page = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageUrl), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    /** Opens the URL and waits until its document has loaded. */
    void open(String url) throws Exception {
        send("Page.enable", Map.of());
        send("Page.navigate", Map.of("url", url));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> "complete".equals(evaluate("document.readyState")));
    }

    /** Evaluates a JavaScript expression in the page and returns its value as text. */
    String evaluate(String expression) throws Exception {
        JsonNode result =
                send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        JsonNode value = result.path("result").path("value");
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    /** The browser's cookies, as DevTools reports them (name, value, secure, httpOnly, sameSite, ...). */
    JsonNode cookies() throws Exception {
        return send("Network.getAllCookies", Map.of()).path("cookies");
    }

    /** Presses a key, as the keyboard would, on the element that has the focus: "Enter", "Tab" or " " (space). */
    void press(String key) throws Exception {
        Map<String, Object> event = switch (key) {
            case "Enter" -> Map.of("key", "Enter", "code", "Enter", "windowsVirtualKeyCode", 13, "text", "\r");
            case "Tab" -> Map.of("key", "Tab", "code", "Tab", "windowsVirtualKeyCode", 9);
            case " " -> Map.of("key", " ", "code", "Space", "windowsVirtualKeyCode", 32, "text", " ");
            default -> throw new IllegalArgumentException("no such key here: " + key);
        };
        Map<String, Object> down = new HashMap<>(event);
        down.put("type", "keyDown");
        send("Input.dispatchKeyEvent", down);
        Map<String, Object> up = new HashMap<>(event);
        up.remove("text");
        up.put("type", "keyUp");
        send("Input.dispatchKeyEvent", up);
    }

    /** Shows the page on a screen this many CSS pixels wide and high: a phone's (mobile viewport, two device pixels a CSS pixel), or a desktop's. */
    void emulateScreen(int width, int height, boolean phone) throws Exception {
        send(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", phone ? 2 : 1, "mobile", phone));
    }

    /** A PNG of what the page shows. */
    byte[] screenshot() throws Exception {
        return Base64.getDecoder()
                .decode(send("Page.captureScreenshot", Map.of("format", "png"))
                        .path("data")
                        .asText());
    }

    private JsonNode send(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        page.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                .get(5, TimeUnit.SECONDS);
        JsonNode response = answer.get(15, TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new IllegalStateException(method + ": " + response.get("error"));
        }
        return response.path("result");
    }

    @Override
    public void close() throws InterruptedException {
        page.abort();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    CompletableFuture<JsonNode> answer =
                            message.has("id") ? pending.remove(message.get("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(message);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("unreadable DevTools message", e);
                } finally {
                    text.setLength(0);
                }
            }
            socket.request(1);
            return null;
        }
    }
}
