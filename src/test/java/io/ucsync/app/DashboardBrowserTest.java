package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.AvailabilityNames;
import io.ucsync.presence.PresenceSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's dashboard in a real headless Chromium, against ucsync with the emulators: the overview counts what the
 * store holds and follows presence changes, shows who is out of step and which link fails and why; the worker table is
 * filtered and paged on the server and stays live; a worker's page shows their facts, what ucsync computes and why,
 * the audit timeline, their timers with the time left, and the lab actions, which travel to the emulators. A node
 * alone shows itself as the owner on a worker's page, and no owner column in the table.
 * Screenshots are checked for the colours of the agent states.
 */
class DashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page's colours for the agent states (dashboard/index.html). */
    private static final int READY = 0x2e7d32;

    private static final int NOT_READY = 0xf9a825;
    private static final int LOGGED_OUT = 0x9e9e9e;
    private static final int BUSY = 6500;
    private static final int AWAY = 15500;
    private static final int OFFLINE = 18500;

    @TempDir
    Path home;

    @Test
    void theOverviewCountsWhatTheStoreHoldsFollowsPresenceChangesAndShowsWhoIsOutOfStepAndWhatFails() throws Exception {
        int workers = 20;
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, workers).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            IntStream.rangeClosed(1, workers).forEach(i -> ucsync.awaitAgent(i, "Ready"));
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium);
            awaitOverviewShowsTheStore(chromium, ucsync);
            assertThat(tileCounts(chromium, "stateTiles"))
                    .containsEntry("Ready", workers)
                    .containsEntry("NotReady", 0);
            assertThat(tileCounts(chromium, "presenceTiles")).containsExactly(Map.entry("Online", workers));

            // presences change on the front end: SIP -> ucsync -> the T-Server, and the overview follows the store
            ucsync.frontEnd().presence(worker(1), BUSY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(2), BUSY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(3), BUSY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(4), AWAY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(5), OFFLINE, null, PresenceSource.USER);
            IntStream.rangeClosed(1, 3).forEach(i -> ucsync.awaitAgent(i, "NotReady Busy"));
            ucsync.awaitAgent(4, "NotReady Away");
            ucsync.awaitAgent(5, "LoggedOut");
            awaitOverviewShowsTheStore(chromium, ucsync);
            assertThat(tileCounts(chromium, "stateTiles"))
                    .containsEntry("Ready", 15)
                    .containsEntry("NotReady", 4)
                    .containsEntry("LoggedOut", 1);
            assertThat(tileCounts(chromium, "presenceTiles"))
                    .containsEntry("Busy", 3)
                    .containsEntry("Away", 1)
                    .containsEntry("Offline", 1);
            assertThat(text(chromium, "#tile-NotReady .detail"))
                    .contains("Busy 3")
                    .contains("Away 1");
            assertThat(connection(chromium, "links", "main")).startsWith("main up " + workers);
            assertThat(connection(chromium, "pools", "uc")).startsWith("uc up " + workers + " " + workers + " active");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rowsShown(chromium).size() == workers);

            // a node alone says so, as GET /api/cluster names it, and the table has no owner column repeating its name
            String node = JSON.readTree(operatorGet(ucsync, "/api/cluster").body())
                    .path("node")
                    .asText();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () -> text(chromium, "#clusterSummary"),
                            ("Single node: " + node + " acts for every worker.")::equals);
            assertThat(attribute(chromium, "#clusterNodes", "hidden")).isEqualTo("true");
            assertThat(attribute(chromium, "#f-ownerLabel", "hidden")).isEqualTo("true");
            assertThat(chromium.evaluate("getComputedStyle(document.querySelector(\"tr[data-sip='" + worker(1)
                            + "'] td.owner\")).display"))
                    .isEqualTo("none");
            assertThat(colours(
                            chromium,
                            home.resolve("1-overview.png"),
                            "#tile-Ready",
                            "#tile-NotReady",
                            "#tile-LoggedOut",
                            agentCell(1),
                            agentCell(5),
                            agentCell(6)))
                    .containsExactly(READY, NOT_READY, LOGGED_OUT, NOT_READY, LOGGED_OUT, READY);

            // the T-Server loses its switch: the link fails, and a presence change it refuses leaves worker 6 out of
            // step
            ucsync.tserver().linkDown();
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> connection(chromium, "links", "main"),
                            row -> row.startsWith("main failing") && row.contains("switch is down"));
            ucsync.frontEnd().presence(worker(6), BUSY, null, PresenceSource.USER);
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#driftCount"), "1"::equals);
            assertThat(attribute(chromium, "#tile-drift", "className")).contains("alarm");
            chromium.evaluate("document.getElementById('tile-drift').click()");
            await().atMost(Duration.ofSeconds(10)).until(() -> rowsShown(chromium), List.of(worker(6))::equals);
            assertThat(text(chromium, "tr[data-sip='" + worker(6) + "'] td.desired"))
                    .isEqualTo("NotReady(AuxWork, Busy)");
            assertThat(attribute(chromium, "tr[data-sip='" + worker(6) + "'] td.desired", "className"))
                    .contains("drift");

            // the switch is back: ucsync closes the gap, and worker 6 leaves the drift list while the page shows it
            ucsync.tserver().linkUp();
            ucsync.awaitAgent(6, "NotReady Busy");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#driftCount"), "0"::equals);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rowsShown(chromium).isEmpty());
            awaitOverviewShowsTheStore(chromium, ucsync);
        }
    }

    @Test
    void theTableIsFilteredAndPagedOnTheServerAndStaysLive() throws Exception {
        LinkedHashMap<String, List<Integer>> tservers = new LinkedHashMap<>();
        tservers.put("main", IntStream.rangeClosed(1, 40).boxed().toList());
        tservers.put("east", IntStream.rangeClosed(41, 60).boxed().toList());
        try (UcsyncHarness ucsync = UcsyncHarness.withTServers(home, tservers);
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.start();
            IntStream.rangeClosed(1, 60).forEach(i -> ucsync.awaitAgent(i, "Ready"));
            ucsync.frontEnd().presence(worker(3), BUSY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(45), BUSY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(50), OFFLINE, null, PresenceSource.USER);
            ucsync.awaitAgent(50, "LoggedOut");
            assertThat(ucsync.api("PUT", 8, "/cc-dnd?on=true").statusCode()).isEqualTo(200);
            ucsync.awaitAgent(8, "NotReady CCDoNotDisturb");
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium);

            awaitRange(chromium, "1–50 of 60");
            assertThat(rowsShown(chromium)).hasSize(50).startsWith(worker(1), worker(2));
            chromium.evaluate("document.getElementById('nextPage').click()");
            awaitRange(chromium, "51–60 of 60");
            assertThat(rowsShown(chromium))
                    .containsExactlyElementsOf(IntStream.rangeClosed(51, 60)
                            .mapToObj(UcsyncHarness::worker)
                            .toList());

            select(chromium, "f-state", "NotReady");
            awaitRows(chromium, 3, 8, 45);
            select(chromium, "f-tserver", "east");
            awaitRows(chromium, 45);
            chromium.evaluate("document.getElementById('clearFilters').click()");
            awaitRange(chromium, "1–50 of 60");
            select(chromium, "f-presence", "Offline");
            awaitRows(chromium, 50);
            select(chromium, "f-presence", "");
            select(chromium, "f-flag", "contactCenterDnd");
            awaitRows(chromium, 8);
            select(chromium, "f-flag", "");
            select(chromium, "f-pool", "uc");
            awaitRange(chromium, "1–50 of 60");
            search(chromium, "KW0007");
            awaitRows(chromium, 7);
            search(chromium, UcsyncHarness.dn(12));
            awaitRows(chromium, 12);
            search(chromium, "");

            // while the table shows the NotReady workers, one more becomes NotReady and one Ready again: the page
            // follows
            select(chromium, "f-state", "NotReady");
            awaitRows(chromium, 3, 8, 45);
            ucsync.frontEnd().presence(worker(9), AWAY, null, PresenceSource.USER);
            ucsync.frontEnd().presence(worker(3), UcsyncHarness.ONLINE, null, PresenceSource.USER);
            awaitRows(chromium, 8, 9, 45);
            assertThat(text(chromium, "tr[data-sip='" + worker(9) + "'] td.presence"))
                    .isEqualTo("Away@user");

            // the same filters through the API, as a script would use them
            HttpResponse<String> page = operatorGet(ucsync, "/api/dashboard/workers?state=NotReady&tserver=east");
            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode answer = JSON.readTree(page.body());
            assertThat(answer.path("total").asInt()).isEqualTo(1);
            assertThat(answer.path("workers").get(0).path("sipUri").asText()).isEqualTo(worker(45));
            HttpResponse<String> badFilter = operatorGet(ucsync, "/api/dashboard/workers?limit=5000");
            assertThat(badFilter.statusCode()).isEqualTo(400);
            assertThat(badFilter.body()).contains("limit must be a number from 1 to 200");
        }
    }

    @Test
    void aWorkersPageShowsFactsWhyTheAuditTimelineTimersWithTheTimeLeftAndTheLabActions() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rowsShown(chromium).contains(worker(1)));
            chromium.evaluate("document.querySelector('tr[data-sip=\"" + worker(1) + "\"] a.worker').click()");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#wp-agentState"), "Ready"::equals);
            assertThat(text(chromium, "#wpTitle")).isEqualTo(worker(1));
            assertThat(text(chromium, "#wp-presence")).isEqualTo("Online@user");
            assertThat(text(chromium, "#wp-dn")).isEqualTo(UcsyncHarness.dn(1) + " / agent1001");
            String node = JSON.readTree(operatorGet(ucsync, "/api/cluster").body())
                    .path("node")
                    .asText();
            assertThat(text(chromium, "#wp-owner")).isEqualTo(node + " (partition 0)");
            assertThat(text(chromium, "#wp-desired")).isEqualTo("Ready");
            assertThat(text(chromium, "#wp-why")).contains("Online");
            assertThat(text(chromium, "#wp-map")).isEqualTo("presence-map.txt");
            assertThat(attribute(chromium, "#lab", "hidden")).isEqualTo("false");
            assertThat(attribute(chromium, "#board", "hidden")).isEqualTo("true");

            // the lab panel sets the worker's presence on the front end: SIP -> ucsync -> RequestAgentNotReady
            chromium.evaluate(
                    "(() => { const s = document.getElementById('lab-presence'); s.value = '6500'; s.dispatchEvent(new Event('change')); })()");
            ucsync.awaitAgent(1, "NotReady Busy");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> text(chromium, "#wp-agentState"), "NotReady(AuxWork, Busy)"::equals);
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> text(chromium, "#auditEntries"),
                            audit -> audit.contains("Ready -> NotReady(AuxWork, Busy)")
                                    && audit.contains("presence Busy"));
            assertThat(Integer.parseInt(
                            chromium.evaluate("String(document.querySelectorAll('#auditEntries li time').length)")))
                    .isGreaterThanOrEqualTo(2);

            // a call to the worker's DN from the panel: ringing, on a call once answered, none once hung up
            chromium.evaluate("document.getElementById('lab-call').click()");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> text(chromium, "#wp-calls"), "a call is ringing"::equals);
            chromium.evaluate("document.getElementById('lab-answer').click()");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#wp-calls"), "on a call"::equals);
            chromium.evaluate("document.getElementById('lab-release').click()");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#wp-calls"), "none"::equals);

            // a preview offered from the panel shows with the time left; declined, the NotReady window's timer shows,
            // counting down
            chromium.evaluate("document.getElementById('lab-preview').click()");
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> text(chromium, "#wp-timers"),
                            timers -> timers.matches("preview offered, withdrawn at .* \\((1 min 00|5\\d) s left\\)"));
            ucsync.frontEnd().presence(worker(1), UcsyncHarness.ONLINE, null, PresenceSource.USER);
            ucsync.awaitAgent(1, "Ready");
            assertThat(ucsync.api("POST", 1, "/preview/decline").statusCode()).isEqualTo(200);
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> text(chromium, "#wp-timers"),
                            timers -> timers.matches(
                                    "NotReady window after a declined preview ends at .* \\((4 min \\d\\d|5 min 00) s left\\)"));
            int left = secondsLeft(text(chromium, "#wp-timers"));
            await().atMost(Duration.ofSeconds(5)).until(() -> secondsLeft(text(chromium, "#wp-timers")) <= left - 2);
            assertThat(colours(chromium, home.resolve("2-worker-page.png"), "#wp-agentState"))
                    .containsExactly(NOT_READY);

            chromium.evaluate("document.getElementById('backToBoard').click()");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> attribute(chromium, "#board", "hidden"), "false"::equals);
        }
    }

    @Test
    void withoutTheOperatorsSignInThePageItsStreamAndItsApiAreRefusedAndWithoutEmulatorsThereIsNoLabPanel()
            throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(
                                home, "ucsync.dashboard.frontend-control=", "ucsync.dashboard.tserver-control=")
                        .start();
                HeadlessChromium chromium = new HeadlessChromium(Files.createDirectories(home.resolve("chromium")))) {
            chromium.open("http://127.0.0.1:" + ucsync.httpPort + "/dashboard");
            signIn(chromium, "wrong");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> text(chromium, "#error"), error -> error.startsWith("401"));
            assertThat(attribute(chromium, "#board", "hidden")).isEqualTo("true");

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ucsync.httpPort;
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/dashboard/events"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
            // a worker's KW session is not the operator's
            String workerCookie = ucsync.signIn(1, UcsyncHarness.password(1));
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/dashboard/events"))
                                            .header("Cookie", workerCookie)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/dashboard/overview"))
                                            .header("Cookie", workerCookie)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);

            signIn(chromium, UcsyncHarness.OPERATOR_PASSWORD);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rowsShown(chromium).contains(worker(2)));
            chromium.evaluate("location.hash = '#worker=' + encodeURIComponent('" + worker(2) + "')");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#wp-agentState"), "Ready"::equals);
            assertThat(attribute(chromium, "#lab", "hidden"))
                    .as("no lab actions against real servers")
                    .isEqualTo("true");
        }
    }

    private static void signIn(HeadlessChromium chromium) throws Exception {
        signIn(chromium, UcsyncHarness.OPERATOR_PASSWORD);
    }

    /** Types the operator password into the sign-in form and submits it. */
    private static void signIn(HeadlessChromium chromium, String password) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> attribute(chromium, "#signin", "hidden"), "false"::equals);
        chromium.evaluate("document.getElementById('password').value = '" + password + "'");
        chromium.evaluate("document.getElementById('signinButton').click()");
    }

    /** Waits until the overview's tiles count, by agent state and by presence, what ucsync's store holds of every worker. */
    private static void awaitOverviewShowsTheStore(HeadlessChromium chromium, UcsyncHarness ucsync) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<String, Integer> states = new TreeMap<>();
            Map<String, Integer> presences = new TreeMap<>();
            for (int i = 1; i <= ucsync.workers; i++) {
                WorkerFacts facts = ucsync.connector().workerViews().facts(worker(i));
                AgentState state = facts.reportedAgentState();
                states.merge(
                        state == null
                                ? "unknown"
                                : state instanceof AgentState.NotReady ? "NotReady" : state.toString(),
                        1,
                        Integer::sum);
                presences.merge(
                        facts.ownPresence() == null
                                ? "none"
                                : AvailabilityNames.name(facts.ownPresence().availability()),
                        1,
                        Integer::sum);
            }
            Map<String, Integer> shownStates = new TreeMap<>(tileCounts(chromium, "stateTiles"));
            shownStates.values().removeIf(count -> count == 0);
            assertThat(shownStates).isEqualTo(states);
            assertThat(new TreeMap<>(tileCounts(chromium, "presenceTiles"))).isEqualTo(presences);
            assertThat(text(chromium, "#workerCount")).isEqualTo("(" + ucsync.workers + " workers)");
        });
    }

    /** The tiles of a row of the overview: the value each filters by, and the count it shows. */
    private static Map<String, Integer> tileCounts(HeadlessChromium chromium, String container) throws Exception {
        String tiles = chromium.evaluate(
                "JSON.stringify(Object.fromEntries([...document.querySelectorAll('#" + container + " .tile')]"
                        + ".map(tile => [tile.dataset.value, Number(tile.querySelector('.count').textContent.replace(/,/g, ''))])))");
        return JSON.readValue(tiles, new TypeReference<LinkedHashMap<String, Integer>>() {});
    }

    /** The text of a link's or pool's row in the overview, cells joined by spaces. */
    private static String connection(HeadlessChromium chromium, String table, String name) throws Exception {
        return chromium.evaluate("(() => { const row = [...document.querySelectorAll('#" + table + " tbody tr')]"
                + ".find(r => r.dataset.key === '" + name
                + "'); return row ? [...row.cells].map(c => c.textContent).join(' ') : null; })()");
    }

    /** The SIP URIs of the table's rows, in order. */
    private static List<String> rowsShown(HeadlessChromium chromium) throws Exception {
        return JSON.readValue(
                chromium.evaluate(
                        "JSON.stringify([...document.querySelectorAll('#workers tr')].map(row => row.dataset.sip))"),
                new TypeReference<List<String>>() {});
    }

    private static void awaitRows(HeadlessChromium chromium, int... workers) {
        List<String> expected =
                IntStream.of(workers).mapToObj(UcsyncHarness::worker).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> rowsShown(chromium), expected::equals);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> text(chromium, "#range"), ("1–" + workers.length + " of " + workers.length)::equals);
    }

    private static void awaitRange(HeadlessChromium chromium, String range) {
        await().atMost(Duration.ofSeconds(10)).until(() -> text(chromium, "#range"), range::equals);
    }

    /** Chooses an option of one of the filter menus, as the operator would. */
    private static void select(HeadlessChromium chromium, String id, String value) throws Exception {
        chromium.evaluate("(() => { const s = document.getElementById('" + id + "'); s.value = '" + value + "'; "
                + "s.dispatchEvent(new Event('change')); })()");
    }

    /** Types into the search field and presses Enter. */
    private static void search(HeadlessChromium chromium, String text) throws Exception {
        chromium.evaluate("document.getElementById('f-q').value = '" + text + "'");
        chromium.evaluate("document.getElementById('f-q').focus()");
        chromium.press("Enter");
    }

    private static String text(HeadlessChromium chromium, String selector) throws Exception {
        return chromium.evaluate("(() => { const e = document.querySelector(\"" + selector
                + "\"); return e ? e.textContent.trim() : null; })()");
    }

    private static String attribute(HeadlessChromium chromium, String selector, String property) throws Exception {
        return chromium.evaluate("String(document.querySelector(\"" + selector + "\")." + property + ")");
    }

    private static String agentCell(int worker) {
        return "tr[data-sip='" + worker(worker) + "'] td.agent";
    }

    /** The seconds left in a "(4 min 32 s left)" countdown. */
    private static int secondsLeft(String countdown) {
        Matcher matcher = Pattern.compile("\\((?:(\\d+) min )?(\\d+) s left\\)").matcher(countdown);
        assertThat(matcher.find()).as(countdown).isTrue();
        return (matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1)) * 60)
                + Integer.parseInt(matcher.group(2));
    }

    private static HttpResponse<String> operatorGet(UcsyncHarness ucsync, String path) throws Exception {
        String cookie = Objects.requireNonNull(
                new KwClient(ucsync.httpPort).signInOperator(UcsyncHarness.OPERATOR_PASSWORD),
                "operator sign-in refused");
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ucsync.httpPort + path))
                                .header("Cookie", cookie)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Takes a screenshot (kept beside the test's files) and reads the colour of each element in it, inside its padding,
     * where only its background shows.
     */
    private static int[] colours(HeadlessChromium chromium, Path file, String... selectors) throws Exception {
        int[] colours = new int[selectors.length];
        for (int i = 0; i < selectors.length; i++) {
            // each element in view when its screenshot is taken: the page is longer than the window
            chromium.evaluate("document.querySelector(\"" + selectors[i] + "\").scrollIntoView({ block: 'center' })");
            JsonNode rect = JSON.readTree(chromium.evaluate(
                    "JSON.stringify(document.querySelector(\"" + selectors[i] + "\").getBoundingClientRect())"));
            byte[] png = chromium.screenshot();
            Files.write(file.resolveSibling(i + "-" + file.getFileName()), png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            colours[i] = image.getRGB((int) rect.get("left").asDouble() + 3, (int)
                            (rect.get("top").asDouble() + rect.get("height").asDouble() / 2))
                    & 0xffffff;
        }
        return colours;
    }
}
