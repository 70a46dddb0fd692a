package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the HTTP API, as the routes declare them (a new route is covered without editing this test),
 * refuses a request without credentials, a worker's session used on another worker or on the operator's endpoints,
 * and a change without the CSRF header; and nothing changes on the emulators meanwhile.
 */
class HttpApiRefusalsTest {

    @TempDir
    Path home;

    private record Call(String method, String path) {}

    @Test
    void everyApiEndpointRefusesMissingCredentialsAnotherWorkersSessionAndChangesWithoutTheCsrfHeader()
            throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.kw.preview-api-token=routing-secret")
                .start()) {
            ucsync.awaitAgent(1, "Ready");
            List<Call> calls = apiCalls(ucsync);
            assertThat(calls)
                    .extracting(Call::path)
                    .contains("/api/session", "/api/previews", "/api/dashboard/lab/presence");
            String workerOne = ucsync.signIn(1, UcsyncHarness.password(1));
            String workerTwo = ucsync.signIn(2, UcsyncHarness.password(2));
            String operator = signInOperator(ucsync);
            Map<String, Integer> refused = new TreeMap<>();
            Map<String, Integer> expected = new TreeMap<>();
            for (Call call : calls) {
                String path = call.path()
                        .replace("{worker}", URLEncoder.encode(worker(1), StandardCharsets.UTF_8))
                        .replace("{id}", "x");
                String query = "?worker=" + URLEncoder.encode(worker(1), StandardCharsets.UTF_8)
                        + "&availability=6500&timeout=30&on=true&dn=" + UcsyncHarness.dn(1);
                boolean ownSession =
                        call.path().equals("/api/session") || call.path().equals("/api/operator/session");
                boolean signOut = call.method().equals("DELETE") && call.path().equals("/api/session");
                // signing out without a session changes nothing, and says so
                record(
                        refused,
                        expected,
                        call,
                        "no credentials",
                        send(ucsync, call.method(), path + query, null, true),
                        signOut ? 204 : 401);
                if (!ownSession) {
                    int anotherWorker = call.path().startsWith("/api/workers/") ? 403 : 401;
                    record(
                            refused,
                            expected,
                            call,
                            "worker 2's session",
                            send(ucsync, call.method(), path + query, workerTwo, true),
                            anotherWorker);
                }
                if (!call.method().equals("GET") && !call.path().startsWith("/api/previews")) {
                    String rightSession = call.path().startsWith("/api/dashboard/") ? operator : workerOne;
                    record(
                            refused,
                            expected,
                            call,
                            "its own session but no CSRF header",
                            send(ucsync, call.method(), path + query, rightSession, false),
                            403);
                }
            }
            assertThat(refused).isEqualTo(expected);
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("Ready");
            assertThat(ucsync.frontEnd().ownPresence(worker(1)).availability()).isEqualTo(UcsyncHarness.ONLINE);
        }
    }

    private static String signInOperator(UcsyncHarness ucsync) throws Exception {
        String cookie = new KwClient(ucsync.httpPort).signInOperator(UcsyncHarness.OPERATOR_PASSWORD);
        assertThat(cookie).as("operator signed in").isNotNull();
        return cookie;
    }

    /** The API's endpoints and methods, read from the running routes. */
    private static List<Call> apiCalls(UcsyncHarness ucsync) {
        List<Call> calls = new ArrayList<>();
        for (var endpoint : ucsync.connector().camelContext().getEndpoints()) {
            // the OpenAPI document (and /api/docs, which shows it) describes the API to anyone, as API documents do;
            // every
            // other endpoint needs credentials
            if (endpoint instanceof PlatformHttpEndpoint http
                    && http.getPath().startsWith("/api/")
                    && !List.of("/api/openapi.json", "/api/docs").contains(http.getPath())) {
                for (String method : http.getHttpMethodRestrict().split(",")) {
                    calls.add(new Call(method.trim(), http.getPath()));
                }
            }
        }
        return calls;
    }

    private static void record(
            Map<String, Integer> refused,
            Map<String, Integer> expected,
            Call call,
            String how,
            HttpResponse<String> response,
            int status) {
        String key = call.method() + " " + call.path() + " with " + how;
        refused.put(key, response.statusCode());
        expected.put(key, status);
    }

    private static HttpResponse<String> send(
            UcsyncHarness ucsync, String method, String pathAndQuery, String cookie, boolean csrfHeader)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ucsync.httpPort + pathAndQuery))
                .method(
                        method,
                        method.equals("GET") || method.equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (csrfHeader) {
            request.header("X-Requested-With", "ucsync");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
