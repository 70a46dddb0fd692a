package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** multipart/related batches after MS-SIP 3.3.5.1 (a batched subscription's NOTIFY) and RFC 4662. */
class BatchNotificationReadingTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");
    private static final String BOUNDARY = "50UBfW7LSCVLtggUPe5z";
    /** The header as MS-SIP 3.3.5.1 shows it: start without angle brackets, folded over lines. */
    private static final String CONTENT_TYPE =
            "multipart/related; \r\n type=\"application/rlmi+xml\";start=resourceList; \r\n boundary=" + BOUNDARY;

    private final PresenceDocumentReader reader = new PresenceDocumentReader();

    private static String part(String contentId, String contentType, String content) {
        return "--" + BOUNDARY + "\r\n"
                + "Content-Transfer-Encoding: binary\r\n"
                + (contentId == null ? "" : "Content-ID: " + contentId + "\r\n")
                + "Content-Type: " + contentType + "\r\n\r\n"
                + content + "\r\n";
    }

    private static final String RLMI = """
            <list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:watcher@tradewind.com" version="1" fullState="true">
              <resource uri="sip:contact1@tradewind.com"><instance id="0" state="active" cid="contact1@tradewind.com"/></resource>
              <resource uri="sip:contact2@tradewind.com"><instance id="0" state="active" cid="contact2@tradewind.com"/></resource>
              <resource uri="sip:contact3@tradewind.com"><instance id="0" state="active" cid="contact3@tradewind.com"/></resource>
              <resource uri="sip:contact4@otherpool.com" state="resubscribe"/>
            </list>""";

    private static String categories(String uriAttribute, int availability, String activity) {
        return "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\"" + uriAttribute + ">"
                + "<category name=\"state\" instance=\"0\" publishTime=\"2024-05-02T07:00:00Z\">"
                + "<state xmlns=\"http://schemas.microsoft.com/2006/09/sip/state\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"aggregateState\"><availability>" + availability + "</availability>"
                + (activity == null ? "" : "<activity token=\"" + activity + "\"/>")
                + "</state></category></categories>";
    }

    private List<Presence> read(String contentType, String body) throws PresenceDocumentException {
        return reader.read(contentType, body.getBytes(StandardCharsets.UTF_8), "sip:watcher@tradewind.com", RECEIVED);
    }

    @Test
    void aBatchOfThreeResourcesGivesThreePresences() throws Exception {
        String body = part("resourceList", "application/rlmi+xml", RLMI)
                + part(
                        "contact1@tradewind.com",
                        "application/msrtc-event-categories+xml",
                        categories(" uri=\"sip:contact1@tradewind.com\"", 3500, null))
                + part(
                        "contact2@tradewind.com",
                        "application/msrtc-event-categories+xml",
                        categories(" uri=\"sip:contact2@tradewind.com\"", 6500, "on-the-phone"))
                + part(
                        "contact3@tradewind.com",
                        "application/msrtc-event-categories+xml",
                        categories(" uri=\"sip:contact3@tradewind.com\"", 18500, null))
                + "--" + BOUNDARY + "--\r\n";

        assertThat(read(CONTENT_TYPE, body))
                .containsExactly(
                        new Presence(
                                "sip:contact1@tradewind.com",
                                Availability.ONLINE,
                                null,
                                PresenceSource.AGGREGATE,
                                Instant.parse("2024-05-02T07:00:00Z")),
                        new Presence(
                                "sip:contact2@tradewind.com",
                                Availability.BUSY,
                                "on-the-phone",
                                PresenceSource.AGGREGATE,
                                Instant.parse("2024-05-02T07:00:00Z")),
                        new Presence(
                                "sip:contact3@tradewind.com",
                                Availability.OFFLINE,
                                null,
                                PresenceSource.AGGREGATE,
                                Instant.parse("2024-05-02T07:00:00Z")));
    }

    @Test
    void aPartWithoutUriTakesTheResourceThatReferencesItsContentId() throws Exception {
        String body = "preamble that MIME readers ignore\r\n"
                + part("<resourceList>", "application/rlmi+xml", RLMI)
                + part("<contact2@tradewind.com>", "application/msrtc-event-categories+xml", categories("", 9500, null))
                + part(
                        "<contact3@tradewind.com>",
                        "application/pidf+xml; charset=UTF-8",
                        "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"><tuple id=\"t\"><status><basic>closed</basic></status></tuple></presence>")
                + "--" + BOUNDARY + "--";

        assertThat(read(
                        "multipart/related;type=\"application/rlmi+xml\";start=\"<resourceList>\";boundary=\""
                                + BOUNDARY + "\"",
                        body))
                .extracting(Presence::sipUri, Presence::availability)
                .containsExactly(
                        tuple("sip:contact2@tradewind.com", Availability.DO_NOT_DISTURB),
                        tuple("sip:contact3@tradewind.com", Availability.OFFLINE));
    }

    @Test
    void withoutStartTheFirstPartIsTheRootAndBareLineFeedsAreAccepted() throws Exception {
        String body = (part("a", "application/rlmi+xml", RLMI)
                        + part(
                                "contact1@tradewind.com",
                                "application/msrtc-event-categories+xml",
                                categories("", 15500, "off-work"))
                        + "--" + BOUNDARY + "--\r\n")
                .replace("\r\n", "\n");

        assertThat(read("multipart/related;boundary=" + BOUNDARY, body))
                .containsExactly(new Presence(
                        "sip:contact1@tradewind.com",
                        Availability.AWAY,
                        "off-work",
                        PresenceSource.AGGREGATE,
                        Instant.parse("2024-05-02T07:00:00Z")));
    }

    @Test
    void partsThatAreNotPresenceDocumentsAreSkippedAndAStatelessPartIsNoPresence() throws Exception {
        String body = part("resourceList", "application/rlmi+xml", RLMI)
                + part("x", "text/plain", "hello")
                + part(
                        "contact1@tradewind.com",
                        "application/msrtc-event-categories+xml",
                        "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\" uri=\"sip:contact1@tradewind.com\"/>")
                + "--" + BOUNDARY + "--\r\n";

        assertThat(read(CONTENT_TYPE, body)).isEmpty();
    }

    @Test
    void anRlmiListAloneIsNoPresence() throws Exception {
        assertThat(read("application/rlmi+xml", RLMI)).isEmpty();
    }

    @Test
    void aTruncatedBodyIsRefused() {
        String body = part("resourceList", "application/rlmi+xml", RLMI)
                + part("contact1@tradewind.com", "application/msrtc-event-categories+xml", categories("", 3500, null));

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("multipart body has no closing boundary");
    }

    @Test
    void aMissingBoundaryParameterIsRefused() {
        assertThatThrownBy(() -> read("multipart/related;type=\"application/rlmi+xml\"", "--x\r\n\r\n--x--"))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("multipart/related needs a boundary parameter of 1 to 70 characters");
    }

    @Test
    void aRootThatIsNotRlmiIsRefused() {
        String body = part("resourceList", "application/msrtc-event-categories+xml", categories("", 3500, null)) + "--"
                + BOUNDARY + "--";

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage(
                        "multipart/related root part is application/msrtc-event-categories+xml, expected application/rlmi+xml");
    }

    @Test
    void aRootListInAnotherNamespaceIsRefused() {
        String body = part(
                        "resourceList",
                        "application/rlmi+xml",
                        RLMI.replace("urn:ietf:params:xml:ns:rlmi", "urn:example:list"))
                + "--" + BOUNDARY + "--";

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage(
                        "multipart root part 1: unexpected root element {urn:example:list}list, expected {urn:ietf:params:xml:ns:rlmi}list");
    }

    @Test
    void aStartPartThatIsNotThereIsRefused() {
        String body = part("other", "application/rlmi+xml", RLMI) + "--" + BOUNDARY + "--";

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("multipart start part resourceList not found");
    }

    @Test
    void anEncodedPartIsRefused() {
        String body = "--" + BOUNDARY
                + "\r\nContent-Transfer-Encoding: base64\r\nContent-Type: application/rlmi+xml\r\n\r\nPGxpc3Qv\r\n--"
                + BOUNDARY + "--";

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("multipart part 1 has unsupported Content-Transfer-Encoding base64");
    }

    @Test
    void moreThanTheMaximumNumberOfPartsIsRefused() {
        StringBuilder body = new StringBuilder(part("resourceList", "application/rlmi+xml", RLMI));
        for (int i = 0; i < MultipartRelated.MAX_PARTS; i++) {
            body.append("--").append(BOUNDARY).append("\r\n\r\n\r\n");
        }
        body.append("--").append(BOUNDARY).append("--");

        assertThatThrownBy(() -> read(CONTENT_TYPE, body.toString()))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("multipart body has more than 1001 parts");
    }

    @Test
    void theAnswerToABatchOfAThousandWorkersIsReadWhole() throws Exception {
        Map<String, List<MsPresCategoriesDocument.StateInstance>> states = new LinkedHashMap<>();
        for (int i = 1; i <= 1000; i++) {
            states.put(
                    "sip:kw" + i + "@ucsync.test",
                    List.of(new MsPresCategoriesDocument.StateInstance("userState", 6500, null, i, RECEIVED)));
        }
        MsPresCategoriesDocument.Multipart answer =
                MsPresCategoriesDocument.writeBatch("sip:ucsync@ucsync.test", states);

        // read as sip-presence reads with its default maxBodySize (1 MiB): the answer has about 700 bytes per worker
        List<Presence> presences = new PresenceDocumentReader(1024 * 1024, 32)
                .read(
                        answer.contentType(),
                        answer.body().getBytes(StandardCharsets.UTF_8),
                        "sip:ucsync@ucsync.test",
                        RECEIVED);
        assertThat(presences).hasSize(1000).extracting(Presence::availability).containsOnly(Availability.BUSY);
        assertThat(presences.get(999).sipUri()).isEqualTo("sip:kw1000@ucsync.test");
    }

    @Test
    void aBadPartFailsTheWholeBatchNamingTheRule() {
        String body = part("resourceList", "application/rlmi+xml", RLMI)
                + part("contact1@tradewind.com", "application/msrtc-event-categories+xml", "<categories")
                + "--" + BOUNDARY + "--\r\n";

        assertThatThrownBy(() -> read(CONTENT_TYPE, body))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("multipart part 2: not XML: ");
    }
}
