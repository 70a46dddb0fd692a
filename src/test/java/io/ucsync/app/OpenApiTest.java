package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API described: GET /api/openapi.json lists every /api/ endpoint the running product serves, with its
 * refusals, and /api/docs shows it in swagger-ui (in a real Chromium), every operation of it.
 */
class OpenApiTest {

    /** The document and the page that shows it: not part of the API they describe. */
    private static final Set<String> DOCUMENTATION = Set.of("/api/openapi.json", "/api/docs");

    @TempDir
    Path home;

    @Test
    void theOpenApiDocumentListsEveryApiEndpointAndItsRefusals() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + ucsync.httpPort + "/api/openapi.json"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode document = new ObjectMapper().readTree(response.body());
            assertThat(document.path("openapi").asText()).startsWith("3.");

            Set<String> described = new TreeSet<>();
            Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
            while (paths.hasNext()) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(method -> {
                    described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    JsonNode responses = path.getValue().path(method).path("responses");
                    assertThat(responses.fieldNames())
                            .toIterable()
                            .as("refusals of %s %s", method, path.getKey())
                            .anyMatch(code -> code.startsWith("4"));
                });
            }
            Set<String> served = new TreeSet<>();
            for (var endpoint : ucsync.connector().camelContext().getEndpoints()) {
                if (endpoint instanceof PlatformHttpEndpoint http
                        && http.getPath().startsWith("/api/")
                        && !DOCUMENTATION.contains(http.getPath())) {
                    for (String method : http.getHttpMethodRestrict().split(",")) {
                        served.add(method.trim() + " " + http.getPath());
                    }
                }
            }
            assertThat(served).hasSizeGreaterThan(10);
            assertThat(described).containsAll(served);

            try (HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
                chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/api/docs");
                await().atMost(Duration.ofSeconds(20))
                        .until(
                                () -> chromium.evaluate("String(document.querySelectorAll('.opblock').length)"),
                                String.valueOf(described.size())::equals);
                assertThat(chromium.evaluate("document.querySelector('.info .title').textContent"))
                        .startsWith("ucsync HTTP API");
                assertThat(
                                chromium.evaluate(
                                        "[...document.querySelectorAll('.opblock-summary-path')].map(p => p.textContent).join(' ')"))
                        .contains(
                                "/api/dashboard/overview",
                                "/api/dashboard/workers/{worker}",
                                "/api/workers/{worker}/preview/accept");
            }
        }
    }
}
