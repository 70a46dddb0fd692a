package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence XML comes from the network: every hostile or broken document is refused with a reason
 * naming the rule, and nothing is ever fetched from a file or the network.
 */
class HostileDocumentTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");
    private static final String CATEGORIES = MsPresCategoriesDocument.CONTENT_TYPE;
    private static final String MARKER = "MARKER-7f3a9c-secret";

    private final PresenceDocumentReader reader = new PresenceDocumentReader();

    @TempDir
    Path temp;

    private static String categoriesWith(String availabilityContent) {
        return "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\" uri=\"sip:bob@contoso.com\">"
                + "<category name=\"state\" instance=\"0\"><state xmlns=\"http://schemas.microsoft.com/2006/09/sip/state\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"aggregateState\">"
                + "<availability>" + availabilityContent + "</availability></state></category></categories>";
    }

    private void assertRefused(String contentType, byte[] body, String reason) {
        assertThatThrownBy(() -> reader.read(contentType, body, "sip:bob@contoso.com", RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage(reason)
                .satisfies(e ->
                        assertThat(((PresenceDocumentException) e).reason()).isEqualTo(reason));
    }

    private void assertRefused(String contentType, String body, String reason) {
        assertRefused(contentType, body.getBytes(StandardCharsets.UTF_8), reason);
    }

    private Path markerFile(String content) throws IOException {
        Path file = temp.resolve("marker.txt");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void notXmlIsRefused() {
        assertThatThrownBy(() -> reader.read(CATEGORIES, "available".getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("not XML: ");
    }

    @Test
    void unclosedXmlIsRefused() {
        assertThatThrownBy(() -> reader.read(
                        CATEGORIES,
                        "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\">"
                                .getBytes(StandardCharsets.UTF_8),
                        null,
                        RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("not XML: ");
    }

    @Test
    void aWrongNamespaceIsRefused() {
        assertRefused(
                CATEGORIES,
                "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categoriez\" uri=\"sip:a@b\"/>",
                "unexpected root element {http://schemas.microsoft.com/2006/09/sip/categoriez}categories,"
                        + " expected {http://schemas.microsoft.com/2006/09/sip/categories}categories");
        assertRefused(
                "application/pidf+xml",
                "<presence entity=\"sip:a@b\"/>",
                "unexpected root element {}presence, expected {urn:ietf:params:xml:ns:pidf}presence");
    }

    @Test
    void anUnsupportedContentTypeIsRefused() {
        assertRefused("text/plain", "open", "unsupported content type text/plain");
        assertRefused(null, "<presence/>", "unsupported content type (none)");
        assertRefused("pidf", "<presence/>", "unsupported content type pidf");
    }

    @Test
    void theBillionLaughsAreRefusedAtTheDoctype() {
        StringBuilder bomb =
                new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE categories [\n <!ENTITY lol \"lol\">\n");
        bomb.append(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for (int i = 2; i <= 9; i++) {
            String previous = "&lol" + (i - 1) + ";";
            bomb.append(" <!ENTITY lol")
                    .append(i)
                    .append(" \"")
                    .append(previous.repeat(10))
                    .append("\">\n");
        }
        bomb.append("]>\n").append(categoriesWith("&lol9;"));

        assertRefused(CATEGORIES, bomb.toString(), "DOCTYPE not allowed");
    }

    @Test
    void anExternalFileEntityIsNeverRead() throws Exception {
        Path file = markerFile(MARKER);
        String document = "<?xml version=\"1.0\"?>\n<!DOCTYPE categories [<!ENTITY xxe SYSTEM \"" + file.toUri()
                + "\">]>\n"
                + categoriesWith("&xxe;").replace("uri=\"sip:bob@contoso.com\"", "uri=\"sip:&xxe;@contoso.com\"");

        assertThatThrownBy(() -> reader.read(CATEGORIES, document.getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("DOCTYPE not allowed")
                .hasMessageNotContaining(MARKER);
    }

    @Test
    void anExternalParameterEntityIsNeverRead() throws Exception {
        Path file = markerFile("<!ENTITY leaked \"" + MARKER + "\">");
        String document = "<!DOCTYPE presence [<!ENTITY % remote SYSTEM \"" + file.toUri() + "\"> %remote;]>\n"
                + "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:bob@x\"><tuple id=\"t\"><status><basic>open</basic></status>"
                + "<note>&leaked;</note></tuple></presence>";

        assertRefused("application/pidf+xml", document, "DOCTYPE not allowed");
    }

    @Test
    void anUndeclaredEntityWithoutDoctypeIsNotXml() {
        assertThatThrownBy(() -> reader.read(
                        CATEGORIES, categoriesWith("&xxe;").getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("not XML: ")
                .hasMessageContaining("\"xxe\"");
    }

    @Test
    void anHttpSystemIdOnAClosedPortIsRefusedAtTheDoctypeNotByAFailedConnection() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        String document = "<!DOCTYPE categories SYSTEM \"http://127.0.0.1:" + closedPort + "/categories.dtd\">\n"
                + categoriesWith("3500");

        assertRefused(CATEGORIES, document, "DOCTYPE not allowed");
    }

    @Test
    void noConnectionIsMadeToAListeningHttpSystemId() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            String systemId = "http://127.0.0.1:" + port + "/evil";

            assertRefused(
                    CATEGORIES,
                    "<!DOCTYPE categories SYSTEM \"" + systemId + ".dtd\">\n" + categoriesWith("3500"),
                    "DOCTYPE not allowed");
            assertRefused(
                    CATEGORIES,
                    "<!DOCTYPE categories [<!ENTITY e SYSTEM \"" + systemId + "\">]>\n" + categoriesWith("&e;"),
                    "DOCTYPE not allowed");
            assertThatThrownBy(() ->
                            MsPresPublishDocument.read(("<!DOCTYPE publish SYSTEM \"" + systemId + "\"><publish/>")
                                    .getBytes(StandardCharsets.UTF_8)))
                    .hasMessage("DOCTYPE not allowed");
            assertThatThrownBy(() -> MsPresFault.currentVersion(
                            ("<!DOCTYPE Fault SYSTEM \"" + systemId + "\"><Fault/>").getBytes(StandardCharsets.UTF_8)))
                    .hasMessage("DOCTYPE not allowed");

            // a parser that had fetched the URL would have completed a TCP connection, now waiting in the backlog
            assertThat(listener.accept())
                    .as("connection attempted to the SYSTEM id")
                    .isNull();
        }
    }

    @Test
    void xincludeIsNotProcessed() throws Exception {
        Path file = markerFile("6500");
        String document = categoriesWith("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\""
                + file.toUri() + "\" parse=\"text\"/>");

        Presence presence = reader.read(CATEGORIES, document.getBytes(StandardCharsets.UTF_8), null, RECEIVED)
                .get(0);

        assertThat(presence.availability())
                .as("availability would be BUSY had the file been included")
                .isEqualTo(Availability.UNKNOWN);
    }

    @Test
    void aTenMegabyteBodyIsRefusedBeforeParsing() {
        byte[] body = new byte[10 * 1024 * 1024];
        Arrays.fill(body, (byte) '<');

        assertRefused(CATEGORIES, body, "body too large: 10485760 bytes > 262144");
        assertRefused("multipart/related;boundary=x", body, "body too large: 10485760 bytes > 262144");
    }

    @Test
    void aDepthBombIsRefusedAtTheFirstElementTooDeep() {
        String bomb = "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\">"
                + "<a>".repeat(30_000) + "</a>".repeat(30_000) + "</categories>";

        assertRefused(CATEGORIES, bomb, "element depth > 32");
    }

    @Test
    void theDepthLimitIsExact() throws Exception {
        PresenceDocumentReader shallow = new PresenceDocumentReader(SafeXml.DEFAULT_MAX_BODY_BYTES, 5);
        String fiveDeep = categoriesWith("<x/>"); // categories, category, state, availability, x
        String sixDeep = categoriesWith("<x><y/></x>");

        assertThat(shallow.read(CATEGORIES, fiveDeep.getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .hasSize(1);
        assertThatThrownBy(() -> shallow.read(CATEGORIES, sixDeep.getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .hasMessage("element depth > 5");
    }

    @Test
    void aHugeAttributeIsRefused() {
        String document = categoriesWith("3500")
                .replace("uri=\"sip:bob@contoso.com\"", "uri=\"sip:" + "b".repeat(100_000) + "@contoso.com\"");

        assertRefused(CATEGORIES, document, "attribute uri too long: 100016 characters > 8192");
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        PresenceDocumentReader small = new PresenceDocumentReader(1024, 32);
        byte[] document = categoriesWith("3500").getBytes(StandardCharsets.UTF_8);
        byte[] padded = (categoriesWith("3500") + " ".repeat(2048)).getBytes(StandardCharsets.UTF_8);

        assertThat(small.read(CATEGORIES, document, null, RECEIVED)).hasSize(1);
        assertThatThrownBy(() -> small.read(CATEGORIES, padded, null, RECEIVED))
                .hasMessage("body too large: " + padded.length + " bytes > 1024");
        assertThatThrownBy(() -> new PresenceDocumentReader(0, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PresenceDocumentReader(1024, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aUtf16DocumentDeclaringItsEncodingIsRead() throws Exception {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + categoriesWith("6500"))
                .getBytes(StandardCharsets.UTF_16);

        assertThat(reader.read(CATEGORIES, body, null, RECEIVED))
                .extracting(Presence::availability)
                .containsExactly(Availability.BUSY);
    }

    @Test
    void controlCharactersInAnErrorNeverReachTheReason() {
        assertThatThrownBy(() -> reader.read(
                        "text/plain\r\nX-Injected: yes", "x".getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .hasMessage("unsupported content type text/plain??X-Injected: yes");
    }
}
