package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PIDF/RPID as baresip 1.0.0, the SIPp publish scenario and RFC 3863/4480 examples write it. */
class PidfReadingTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");

    private final PresenceDocumentReader reader = new PresenceDocumentReader();

    /** The body baresip 1.0.0's presence module publishes (modules/presence/publisher.c), CRLF line ends. */
    private static String baresip(String basic) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                        + "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\n"
                        + "    xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\n"
                        + "    xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\"\n"
                        + "    entity=\"sip:agent2@127.0.0.1\">\n"
                        + "  <dm:person id=\"p4159\"><rpid:activities/></dm:person>\n"
                        + "  <tuple id=\"t4109\">\n"
                        + "    <status>\n"
                        + "      <basic>" + basic + "</basic>\n"
                        + "    </status>\n"
                        + "    <contact>sip:agent2@127.0.0.1</contact>\n"
                        + "  </tuple>\n"
                        + "</presence>\n")
                .replace("\n", "\r\n");
    }

    private static String pidf(String entity, String content) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\""
                + " xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\""
                + (entity == null ? "" : " entity=\"" + entity + "\"") + ">\n"
                + content + "\n</presence>";
    }

    private static String tuple(String id, String basic) {
        return "<tuple id=\"" + id + "\"><status><basic>" + basic + "</basic></status></tuple>";
    }

    private static String person(String id, String content) {
        return "<dm:person id=\"" + id + "\">" + content + "</dm:person>";
    }

    private Presence readOne(String document) throws PresenceDocumentException {
        List<Presence> presences = reader.read(
                "application/pidf+xml",
                document.getBytes(StandardCharsets.UTF_8),
                "sip:subscribed@127.0.0.1",
                RECEIVED);
        assertThat(presences).hasSize(1);
        return presences.get(0);
    }

    @Test
    void baresipOpenIsOnline() throws Exception {
        assertThat(readOne(baresip("open")))
                .isEqualTo(
                        new Presence("sip:agent2@127.0.0.1", Availability.ONLINE, null, PresenceSource.USER, RECEIVED));
    }

    @Test
    void baresipClosedIsOffline() throws Exception {
        assertThat(readOne(baresip("closed")))
                .isEqualTo(new Presence(
                        "sip:agent2@127.0.0.1", Availability.OFFLINE, null, PresenceSource.USER, RECEIVED));
    }

    @Test
    void baresipUnknownBeforeRegisteringIsUnknownNotAnError() throws Exception {
        assertThat(readOne(baresip("unknown")).availability()).isEqualTo(Availability.UNKNOWN);
    }

    @Test
    void theSippPublishScenarioBodyIsOnThePhone() throws Exception {
        // the body of research/artifacts/publish.xml, which Kamailio relays unchanged in its NOTIFY
        String body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:agent1@127.0.0.1">
                  <tuple id="t1"><status><basic>open</basic></status></tuple>
                  <dm:person id="p1"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>
                  <note>On the phone</note>
                </presence>
                """;

        assertThat(readOne(body))
                .isEqualTo(new Presence(
                        "sip:agent1@127.0.0.1", Availability.BUSY, "on-the-phone", PresenceSource.USER, RECEIVED));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
            nullValues = "-",
            value = {
                "busy, BUSY, -",
                "on-the-phone, BUSY, on-the-phone",
                "meeting, BUSY, in-a-meeting",
                "appointment, BUSY, in-a-meeting",
                "presentation, BUSY, in-presentation",
                "performance, BUSY, performance",
                "away, AWAY, -",
                "vacation, AWAY, out-of-office",
                "holiday, AWAY, out-of-office",
                "permanent-absence, AWAY, permanent-absence",
                "travel, AWAY, travel",
                "in-transit, AWAY, in-transit",
                "steering, AWAY, steering",
                "meal, AWAY, meal",
                "breakfast, AWAY, breakfast",
                "dinner, AWAY, dinner",
                "sleeping, AWAY, sleeping",
                "shopping, AWAY, shopping",
                "playing, AWAY, playing",
                "spectator, AWAY, spectator",
                "tv, AWAY, tv",
                "worship, AWAY, worship",
                "looking-for-work, AWAY, looking-for-work",
                "working, ONLINE, -",
                "unknown, ONLINE, -"
            })
    void rpidActivityOfAnOpenPresentity(String activity, Availability availability, String token) throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                tuple("t1", "open") + person("p1", "<rpid:activities><rpid:" + activity + "/></rpid:activities>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source)
                .containsExactly(availability, token, PresenceSource.USER);
    }

    @Test
    void anActivityOfAClosedPresentityDoesNotMakeItBusy() throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                tuple("t1", "closed") + person("p1", "<rpid:activities><rpid:on-the-phone/></rpid:activities>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity)
                .containsExactly(Availability.OFFLINE, null);
    }

    @Test
    void anyOpenTupleMakesThePresentityOpen() throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                tuple("desk", "closed") + tuple("mobile", "open") + tuple("softphone", "closed")));

        assertThat(presence.availability()).isEqualTo(Availability.ONLINE);
    }

    @Test
    void activitiesOfSeveralPersonsAndTuplesCountTheLeastAvailableFirstInDocumentOnATie() throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                "<tuple id=\"t1\"><status><basic>open</basic></status><rpid:activities><rpid:meeting/></rpid:activities></tuple>"
                        + tuple("t2", "open")
                        + person("p1", "<rpid:activities><rpid:on-the-phone/></rpid:activities>")
                        + person(
                                "p2",
                                "<rpid:activities><rpid:working/><rpid:vacation/><rpid:away/></rpid:activities>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity)
                .containsExactly(Availability.AWAY, "out-of-office");
    }

    @Test
    void idleUserInputMakesOnlineIdleFromTheMachine() throws Exception {
        Presence presence = readOne(
                pidf(
                        "sip:bob@example.com",
                        tuple("t1", "open")
                                + person(
                                        "p1",
                                        "<rpid:user-input idle-threshold=\"600\" last-input=\"2024-05-02T07:40:00Z\">idle</rpid:user-input>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::source)
                .containsExactly(Availability.IDLE, PresenceSource.MACHINE);
    }

    @Test
    void idleUserInputMakesBusyBusyIdle() throws Exception {
        Presence presence = readOne(
                pidf(
                        "sip:bob@example.com",
                        tuple("t1", "open")
                                + person(
                                        "p1",
                                        "<rpid:activities><rpid:on-the-phone/></rpid:activities><rpid:user-input>idle</rpid:user-input>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source)
                .containsExactly(Availability.BUSY_IDLE, "on-the-phone", PresenceSource.MACHINE);
    }

    @Test
    void oneActiveDeviceMeansNotIdle() throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                tuple("t1", "open")
                        + person("p1", "<rpid:user-input>idle</rpid:user-input>")
                        + person("p2", "<rpid:user-input>active</rpid:user-input>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::source)
                .containsExactly(Availability.ONLINE, PresenceSource.USER);
    }

    @Test
    void aPresURIIsReadAsSip() throws Exception {
        assertThat(readOne(pidf("pres:bob@example.com", tuple("t1", "open"))).sipUri())
                .isEqualTo("sip:bob@example.com");
    }

    @Test
    void withoutEntityTheSubscribedUriIsThePresentity() throws Exception {
        assertThat(readOne(pidf(null, tuple("t1", "open"))).sipUri()).isEqualTo("sip:subscribed@127.0.0.1");
    }

    @Test
    void aDocumentWithoutTuplesIsUnknown() throws Exception {
        assertThat(readOne(pidf("sip:bob@example.com", person("p1", "<rpid:activities><rpid:busy/></rpid:activities>")))
                        .availability())
                .isEqualTo(Availability.UNKNOWN);
    }

    @Test
    void activitiesOutsideTheRpidNamespaceAreIgnored() throws Exception {
        Presence presence = readOne(pidf(
                "sip:bob@example.com",
                tuple("t1", "open")
                        + person("p1", "<rpid:activities><x:busy xmlns:x=\"urn:example:other\"/></rpid:activities>")));

        assertThat(presence.availability()).isEqualTo(Availability.ONLINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:bob example.com", "not a uri", "bob@example.com"})
    void anEntityThatIsNotAUriIsRefused(String entity) {
        assertThatThrownBy(() -> readOne(pidf(entity, tuple("t1", "open"))))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("presentity URI is not a URI: ");
    }

    @Test
    void xpidfIsNotSupported() {
        assertThatThrownBy(() -> reader.read(
                        "application/xpidf+xml", "<presence/>".getBytes(StandardCharsets.UTF_8), null, RECEIVED))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("unsupported content type application/xpidf+xml");
    }

    @Test
    void aCategoriesDocumentUnderThePidfContentTypeIsRefusedByItsRoot() {
        String categories =
                "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\" uri=\"sip:a@b\"/>";

        assertThatThrownBy(() -> readOne(categories))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("unexpected root element {http://schemas.microsoft.com/2006/09/sip/categories}categories,"
                        + " expected {urn:ietf:params:xml:ns:pidf}presence");
    }
}
