package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The KW API of one ucsync (a single process, or one node of a cluster) as workers and the routing system call it:
 * sign-in, requests about a worker signed in as that worker, the preview API with a token. Sessions are kept per
 * worker for {@link #api(String, int, String)}.
 */
final class KwClient {

    private final int httpPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, String> sessions = new ConcurrentHashMap<>();

    KwClient(int httpPort) {
        this.httpPort = httpPort;
    }

    /** Signs in to the KW API as the worker; the session cookie, or null when refused. */
    String signIn(int worker, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = signInResponse(worker, password);
        return response.statusCode() == 200
                ? response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]
                : null;
    }

    /** What the KW API answers to the worker's sign-in with this password. */
    HttpResponse<String> signInResponse(int worker, String password) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/session"))
                        .header("X-Requested-With", "ucsync")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"sipUri\":\"" + worker(worker) + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in to the operator's API (the dashboard's); the session cookie, or null when refused. */
    String signInOperator(String password) throws IOException, InterruptedException {
        HttpResponse<String> response = signInOperatorResponse(password);
        return response.statusCode() == 200
                ? response.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0]
                : null;
    }

    /** What the operator's API answers to a sign-in with this password. */
    HttpResponse<String> signInOperatorResponse(String password) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/operator/session"))
                        .header("X-Requested-With", "ucsync")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request to the KW API about a worker, signed in as that worker, with the CSRF header; path e.g. "/cc-dnd?on=true". */
    HttpResponse<String> api(String method, int worker, String path) throws IOException, InterruptedException {
        String cookie = sessions.computeIfAbsent(worker, w -> {
            try {
                return signIn(w, UcsyncHarness.password(w));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        return api(method, worker, path, cookie, true);
    }

    /** A request to the KW API with the given session cookie (or none) and with or without the CSRF header. */
    HttpResponse<String> api(String method, int worker, String path, String cookie, boolean csrfHeader)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/workers/"
                        + URLEncoder.encode(worker(worker), StandardCharsets.UTF_8) + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (csrfHeader) {
            request.header("X-Requested-With", "ucsync");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The routing system offers the worker a preview for a minute, with this token. */
    void offerPreview(int worker, String token) throws IOException, InterruptedException {
        HttpResponse<String> offered = previewApi(
                "POST", "?worker=" + URLEncoder.encode(worker(worker), StandardCharsets.UTF_8) + "&timeout=60", token);
        if (offered.statusCode() != 200) {
            throw new IllegalStateException("preview not offered: " + offered.statusCode() + " " + offered.body());
        }
    }

    /** A request to the routing system's preview API with this token (or none). */
    HttpResponse<String> previewApi(String method, String pathAndQuery, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/previews" + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
