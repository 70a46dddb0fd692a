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

/** Categories documents written by hand after the MS-PRES 4.4.3 BENOTIFY example and the Lync schema pages. */
class MsPresCategoriesReadingTest {

    private static final String CATEGORIES = MsPresCategoriesDocument.CONTENT_TYPE;
    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");

    private final PresenceDocumentReader reader = new PresenceDocumentReader();

    private static String document(String uriAttribute, String... categories) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\"" + uriAttribute + ">\n"
                + String.join("\n", categories) + "\n</categories>";
    }

    private static String stateCategory(String xsiType, String instance, String publishTime, String stateContent) {
        return "<category name=\"state\" instance=\"" + instance + "\""
                + (publishTime == null ? "" : " publishTime=\"" + publishTime + "\"")
                + " container=\"2\" version=\"3\" expireType=\"user\">"
                + "<state xmlns=\"http://schemas.microsoft.com/2006/09/sip/state\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" + xsiType + "\">"
                + stateContent + "</state></category>";
    }

    private static String availability(int value) {
        return "<availability>" + value + "</availability>";
    }

    private List<Presence> read(String document) throws PresenceDocumentException {
        return reader.read(
                CATEGORIES, document.getBytes(StandardCharsets.UTF_8), "sip:subscribed@contoso.com", RECEIVED);
    }

    private Presence readOne(String document) throws PresenceDocumentException {
        List<Presence> presences = read(document);
        assertThat(presences).hasSize(1);
        return presences.get(0);
    }

    @ParameterizedTest(name = "availability {0} -> {1}")
    @CsvSource({
        "0, UNKNOWN",
        "2999, ONLINE",
        "3000, ONLINE",
        "3500, ONLINE",
        "4499, ONLINE",
        "4500, IDLE",
        "5999, IDLE",
        "6000, BUSY",
        "6900, BUSY",
        "7499, BUSY",
        "7500, BUSY_IDLE",
        "8999, BUSY_IDLE",
        "9000, DO_NOT_DISTURB",
        "11999, DO_NOT_DISTURB",
        "12000, BE_RIGHT_BACK",
        "14999, BE_RIGHT_BACK",
        "15000, AWAY",
        "17999, AWAY",
        "18000, OFFLINE",
        "18500, OFFLINE",
        "4294967295, OFFLINE"
    })
    void availabilityIsMappedByRange(long value, Availability expected) throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory(
                        "aggregateState",
                        "0",
                        "2006-08-30T18:49:19.157",
                        "<availability>" + value + "</availability>")));

        assertThat(presence.availability()).isEqualTo(expected);
        assertThat(presence.sipUri()).isEqualTo("sip:bob@contoso.com");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "on-the-phone",
                "in-a-meeting",
                "in-a-conference",
                "out-of-office",
                "urgent-interruptions-only",
                "off-work",
                "in-presentation"
            })
    void activityTokenIsKept(String token) throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory(
                        "aggregateState",
                        "0",
                        null,
                        availability(6900) + "<activity token=\"" + token
                                + "\" minAvailability=\"6000\" maxAvailability=\"8999\"/>")));

        assertThat(presence.activity()).isEqualTo(token);
        assertThat(presence.availability()).isEqualTo(Availability.BUSY);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "aggregateState, AGGREGATE",
        "aggregateMachineState, MACHINE",
        "userState, USER",
        "machineState, MACHINE",
        "calendarState, CALENDAR",
        "phoneState, PHONE"
    })
    void stateTypeTellsTheSource(String xsiType, PresenceSource expected) throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"", stateCategory(xsiType, "268435456", null, availability(3500))));

        assertThat(presence.source()).isEqualTo(expected);
    }

    @Test
    void prefixedXsiTypeIsRecognised() throws Exception {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"",
                "<category name=\"state\" instance=\"0\">"
                        + "<st:state xmlns:st=\"http://schemas.microsoft.com/2006/09/sip/state\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\""
                        + " i:type=\"st:calendarState\"><st:availability>6500</st:availability><st:activity token=\"in-a-meeting\"/></st:state></category>");

        Presence presence = readOne(doc);

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source)
                .containsExactly(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR);
    }

    @Test
    void aggregateStateWinsOverNewerInstances() throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("userState", "536870912", "2024-05-02T07:59:00Z", availability(15500)),
                stateCategory(
                        "aggregateState",
                        "0",
                        "2024-05-02T07:00:00Z",
                        availability(6500) + "<activity token=\"in-a-meeting\"/>"),
                stateCategory("machineState", "805306368", "2024-05-02T07:59:30Z", availability(3500))));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source, Presence::publishTime)
                .containsExactly(
                        Availability.BUSY,
                        "in-a-meeting",
                        PresenceSource.AGGREGATE,
                        Instant.parse("2024-05-02T07:00:00Z"));
    }

    @Test
    void withoutAggregateTheMostRecentlyPublishedInstanceWins() throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("userState", "536870912", "2024-05-02T07:10:00Z", availability(6500)),
                stateCategory(
                        "calendarState",
                        "1073741824",
                        "2024-05-02T07:30:00.250Z",
                        availability(6500) + "<activity token=\"in-a-meeting\"/>"),
                stateCategory("machineState", "805306368", "2024-05-02T07:20:00Z", availability(5000))));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source, Presence::publishTime)
                .containsExactly(
                        Availability.BUSY,
                        "in-a-meeting",
                        PresenceSource.CALENDAR,
                        Instant.parse("2024-05-02T07:30:00.250Z"));
    }

    @Test
    void onEqualPublishTimesTheLaterInstanceInTheDocumentWins() throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("machineState", "1", null, availability(5000)),
                stateCategory("phoneState", "2", null, availability(6500) + "<activity token=\"on-the-phone\"/>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity, Presence::source, Presence::publishTime)
                .containsExactly(Availability.BUSY, "on-the-phone", PresenceSource.PHONE, RECEIVED);
    }

    @ParameterizedTest(name = "publishTime {0}")
    @CsvSource({
        "2006-08-30T18:49:19.157, 2006-08-30T18:49:19.157Z",
        "2006-08-30T18:49:19Z, 2006-08-30T18:49:19Z",
        "2006-08-30T20:49:19.5+02:00, 2006-08-30T18:49:19.5Z"
    })
    void publishTimeIsParsedAndAZoneLessTimeIsUtc(String attribute, Instant expected) throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"", stateCategory("aggregateState", "0", attribute, availability(3500))));

        assertThat(presence.publishTime()).isEqualTo(expected);
    }

    @Test
    void theMsPresSelfSubscribeExampleIsRead() throws Exception {
        // the shape of MS-PRES 4.4.3: several category kinds, a state with a custom activity, a removed instance
        String doc = """
                <categories xmlns="http://schemas.microsoft.com/2006/09/sip/categories" uri="sip:bob@contoso.com">
                  <category name="contactCard" instance="0" publishTime="2006-08-30T18:49:19.157" container="400" version="1" expireType="static">
                    <contactCard xmlns="http://schemas.microsoft.com/2006/09/sip/contactcard"><identity><name><displayName>Bob</displayName></name></identity></contactCard>
                  </category>
                  <category name="note" instance="0" publishTime="2006-08-30T18:49:19.157" container="400" version="1" expireType="static">
                    <note xmlns="http://schemas.microsoft.com/2006/09/sip/note"><body type="personal" uri="">Lunch &amp; errands</body></note>
                  </category>
                  <category name="state" instance="1" publishTime="2006-08-30T18:50:00" container="2" version="1" expireType="time" expires="0"/>
                  <category name="state" instance="0" publishTime="2006-08-30T18:51:02.100" container="400" version="7" expireType="static">
                    <state xmlns="http://schemas.microsoft.com/2006/09/sip/state" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" manual="false" xsi:type="aggregateState">
                      <availability>12500</availability>
                      <activity><custom LCID="1033" xml:space="preserve">Out to lunch</custom></activity>
                      <endpointLocation></endpointLocation>
                    </state>
                  </category>
                  <category name="services" instance="0" publishTime="2006-08-30T18:49:19.157" container="400" version="1" expireType="static">
                    <services xmlns="http://schemas.microsoft.com/2006/03/sip/serviceCapabilities"><service uri="sip:bob@contoso.com"><capabilities><text render="true"/></capabilities></service></services>
                  </category>
                </categories>""";

        Presence presence = readOne(doc);

        assertThat(presence)
                .isEqualTo(new Presence(
                        "sip:bob@contoso.com",
                        Availability.BE_RIGHT_BACK,
                        null,
                        PresenceSource.AGGREGATE,
                        Instant.parse("2006-08-30T18:51:02.100Z")));
    }

    @Test
    void withoutUriAttributeTheSubscribedUriIsTheWorker() throws Exception {
        Presence presence = readOne(document("", stateCategory("aggregateState", "0", null, availability(3500))));

        assertThat(presence.sipUri()).isEqualTo("sip:subscribed@contoso.com");
    }

    @Test
    void aStateOfAnUnknownTypeIsIgnored() throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("userState", "1", "2024-05-02T07:00:00Z", availability(3500)),
                stateCategory("futureState", "2", "2024-05-02T07:30:00Z", availability(18500))));

        assertThat(presence)
                .extracting(Presence::availability, Presence::source)
                .containsExactly(Availability.ONLINE, PresenceSource.USER);
    }

    @Test
    void aDocumentWithoutStateIsNoPresence() throws Exception {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"",
                "<category name=\"contactCard\" instance=\"0\">"
                        + "<contactCard xmlns=\"http://schemas.microsoft.com/2006/09/sip/contactcard\"/></category>");

        assertThat(read(doc)).isEmpty();
    }

    @Test
    void anEmptyBodyIsNoPresence() throws Exception {
        assertThat(reader.read(null, new byte[0], "sip:a@b", RECEIVED)).isEmpty();
        assertThat(reader.read(CATEGORIES, null, "sip:a@b", RECEIVED)).isEmpty();
        assertThat(reader.read(CATEGORIES, "\r\n".getBytes(StandardCharsets.US_ASCII), "sip:a@b", RECEIVED))
                .isEmpty();
    }

    @Test
    void aMissingAvailabilityIsUnknown() throws Exception {
        Presence presence = readOne(document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("calendarState", "0", null, "<activity token=\"out-of-office\"/>")));

        assertThat(presence)
                .extracting(Presence::availability, Presence::activity)
                .containsExactly(Availability.UNKNOWN, "out-of-office");
    }

    @Test
    void contentTypeParametersAndCaseDoNotMatter() throws Exception {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"", stateCategory("aggregateState", "0", null, availability(9500)));

        List<Presence> presences = reader.read(
                "Application/MSRTC-Event-Categories+XML; charset=utf-8",
                doc.getBytes(StandardCharsets.UTF_8),
                null,
                RECEIVED);

        assertThat(presences).extracting(Presence::availability).containsExactly(Availability.DO_NOT_DISTURB);
    }

    @Test
    void aNonNumericAvailabilityIsRefused() {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory("aggregateState", "0", null, "<availability>busy</availability>"));

        assertThatThrownBy(() -> read(doc))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("availability is not an unsigned number: busy");
    }

    @Test
    void anActivityTokenThatIsNotATokenIsRefused() {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"",
                stateCategory(
                        "aggregateState", "0", null, availability(6500) + "<activity token=\"on the&#10;phone\"/>"));

        assertThatThrownBy(() -> read(doc))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessageStartingWith("activity token is not a token");
    }

    @Test
    void aMalformedPublishTimeIsRefused() {
        String doc = document(
                " uri=\"sip:bob@contoso.com\"", stateCategory("aggregateState", "0", "yesterday", availability(3500)));

        assertThatThrownBy(() -> read(doc))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("publishTime is not an xs:dateTime: yesterday");
    }

    @Test
    void aPidfDocumentUnderTheCategoriesContentTypeIsRefusedByItsRoot() {
        String pidf = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:a@b\"/>";

        assertThatThrownBy(() -> read(pidf))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("unexpected root element {urn:ietf:params:xml:ns:pidf}presence,"
                        + " expected {http://schemas.microsoft.com/2006/09/sip/categories}categories");
    }
}
