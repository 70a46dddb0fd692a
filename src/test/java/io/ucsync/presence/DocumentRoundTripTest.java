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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** What ucsync writes, ucsync (and so a peer following the same specification) reads back the same. */
class DocumentRoundTripTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-02T08:00:00Z");
    private static final Instant PUBLISHED = Instant.parse("2024-05-02T07:45:12.345Z");

    private final PresenceDocumentReader reader = new PresenceDocumentReader();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(
            nullValues = "-",
            value = {
                "aggregateState, 3500, -, AGGREGATE", "aggregateState, 6500, on-the-phone, AGGREGATE",
                "aggregateMachineState, 5000, -, MACHINE", "userState, 9500, in-presentation, USER",
                "machineState, 7500, -, MACHINE", "phoneState, 6500, on-the-phone, PHONE",
                "calendarState, 6500, in-a-meeting, CALENDAR", "calendarState, 15500, out-of-office, CALENDAR",
                "userState, 12500, -, USER", "userState, 18500, -, USER"
            })
    void categoriesWrittenAreReadBack(String stateType, int availability, String activity, PresenceSource source)
            throws Exception {
        String document = MsPresCategoriesDocument.write(
                "sip:bob@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance(
                        stateType, availability, activity, 0xF0000001L, PUBLISHED)));

        List<Presence> presences = reader.read(MsPresCategoriesDocument.CONTENT_TYPE, utf8(document), null, RECEIVED);

        assertThat(presences)
                .containsExactly(new Presence(
                        "sip:bob@contoso.com", Availability.fromMsPres(availability), activity, source, PUBLISHED));
    }

    @Test
    void severalInstancesWrittenFollowTheReadingRule() throws Exception {
        String document = MsPresCategoriesDocument.write(
                "sip:bob@contoso.com",
                List.of(
                        new MsPresCategoriesDocument.StateInstance(
                                "userState", 15500, null, 0x20000000L, PUBLISHED.plusSeconds(60)),
                        new MsPresCategoriesDocument.StateInstance(
                                "aggregateState", 6500, "in-a-meeting", 0, PUBLISHED)));

        assertThat(reader.read(MsPresCategoriesDocument.CONTENT_TYPE, utf8(document), null, RECEIVED))
                .extracting(Presence::availability, Presence::activity, Presence::source)
                .containsExactly(tuple(Availability.BUSY, "in-a-meeting", PresenceSource.AGGREGATE));
    }

    @Test
    void aBatchWrittenIsReadBackOnePresencePerResource() throws Exception {
        Map<String, List<MsPresCategoriesDocument.StateInstance>> states = new LinkedHashMap<>();
        states.put(
                "sip:agent1@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance("aggregateState", 3500, null, 0, PUBLISHED)));
        states.put(
                "sip:agent2@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance(
                        "aggregateState", 6500, "on-the-phone", 0, PUBLISHED)));
        states.put(
                "sip:agent3@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance(
                        "aggregateState", 9500, "urgent-interruptions-only", 0, PUBLISHED)));

        MsPresCategoriesDocument.Multipart batch =
                MsPresCategoriesDocument.writeBatch("sip:watcher@contoso.com", 3, states);

        assertThat(batch.contentType())
                .startsWith(
                        "multipart/related;type=\"application/rlmi+xml\";start=\"<rlmi@ucsync>\";boundary=\"ucsync-");
        assertThat(batch.body()).contains("version=\"3\"");
        assertThat(reader.read(batch.contentType(), utf8(batch.body()), "sip:watcher@contoso.com", RECEIVED))
                .extracting(Presence::sipUri, Presence::availability, Presence::activity)
                .containsExactly(
                        tuple("sip:agent1@contoso.com", Availability.ONLINE, null),
                        tuple("sip:agent2@contoso.com", Availability.BUSY, "on-the-phone"),
                        tuple("sip:agent3@contoso.com", Availability.DO_NOT_DISTURB, "urgent-interruptions-only"));
    }

    @Test
    void aResourceWithoutStatesIsListedButHasNoPresence() throws Exception {
        Map<String, List<MsPresCategoriesDocument.StateInstance>> states = new LinkedHashMap<>();
        states.put("sip:agent1@contoso.com", List.of());
        states.put(
                "sip:agent2@contoso.com",
                List.of(new MsPresCategoriesDocument.StateInstance("aggregateState", 3500, null, 0, PUBLISHED)));

        MsPresCategoriesDocument.Multipart batch =
                MsPresCategoriesDocument.writeBatch("sip:watcher@contoso.com", states);

        assertThat(batch.body()).contains("<resource uri=\"sip:agent1@contoso.com\">");
        assertThat(reader.read(batch.contentType(), utf8(batch.body()), null, RECEIVED))
                .extracting(Presence::sipUri)
                .containsExactly("sip:agent2@contoso.com");
    }

    @Test
    void urisAreEscapedInWhatIsWritten() throws Exception {
        String uri = "sip:o'brien&co@contoso.com;transport=\"tcp\"";
        String document = MsPresCategoriesDocument.write(
                uri, List.of(new MsPresCategoriesDocument.StateInstance("aggregateState", 3500, null, 0, PUBLISHED)));

        assertThat(reader.read(MsPresCategoriesDocument.CONTENT_TYPE, utf8(document), null, RECEIVED))
                .extracting(Presence::sipUri)
                .containsExactly(uri);
        assertThat(reader.read(
                        PidfDocument.CONTENT_TYPE,
                        utf8(PidfDocument.write(uri, Availability.ONLINE, null)),
                        null,
                        RECEIVED))
                .extracting(Presence::sipUri)
                .containsExactly(uri);
    }

    @ParameterizedTest(name = "{0} {1} reads back as {2} {3} {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                "ONLINE, -, ONLINE, -, USER",
                "IDLE, -, IDLE, -, MACHINE",
                "BUSY, -, BUSY, -, USER",
                "BUSY, on-the-phone, BUSY, on-the-phone, USER",
                "BUSY, meeting, BUSY, in-a-meeting, USER",
                "BUSY_IDLE, -, BUSY_IDLE, -, MACHINE",
                "DO_NOT_DISTURB, -, BUSY, -, USER",
                "BE_RIGHT_BACK, -, AWAY, -, USER",
                "AWAY, -, AWAY, -, USER",
                "AWAY, vacation, AWAY, out-of-office, USER",
                "OFFLINE, -, OFFLINE, -, USER"
            })
    void pidfWrittenIsReadBack(
            Availability written, String activity, Availability read, String token, PresenceSource source)
            throws Exception {
        String document = PidfDocument.write("sip:agent1@127.0.0.1", written, activity);

        assertThat(reader.read(PidfDocument.CONTENT_TYPE, utf8(document), null, RECEIVED))
                .containsExactly(new Presence("sip:agent1@127.0.0.1", read, token, source, RECEIVED));
    }

    @Test
    void pidfRefusesWhatCannotBePublished() {
        assertThatThrownBy(() -> PidfDocument.write("sip:a@b", Availability.UNKNOWN, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("UNKNOWN availability cannot be published");
        assertThatThrownBy(() -> PidfDocument.write("sip:a@b", Availability.BUSY, "in-a-meeting"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an RFC 4480 activity: in-a-meeting");
        assertThatThrownBy(() -> PidfDocument.write("a b", Availability.BUSY, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("entity is not a URI");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            nullValues = "-",
            value = {
                "on-the-phone, on-the-phone",
                "in-a-meeting, meeting",
                "in-a-conference, meeting",
                "out-of-office, vacation",
                "in-presentation, presentation",
                "away, away",
                "off-work, -",
                "-, -"
            })
    void msPresTokensHaveTheirRpidCounterpart(String token, String rpid) {
        assertThat(PidfDocument.rpidActivityFor(token)).isEqualTo(rpid);
    }

    @ParameterizedTest
    @EnumSource(value = Availability.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void msPresPublicationWrittenIsReadBack(Availability availability) throws Exception {
        String document = MsPresPublishDocument.publishState(
                "sip:agent1@contoso.com", availability.msPresValue(), "on-the-phone", 0x80000001, 2, 7, "static");

        assertThat(MsPresPublishDocument.read(utf8(document)))
                .containsExactly(new StatePublication(
                        "sip:agent1@contoso.com",
                        "state",
                        0x80000001,
                        2,
                        7,
                        "static",
                        null,
                        availability.msPresValue(),
                        "on-the-phone"));
        assertThat(document).contains("instance=\"2147483649\"");
    }

    @Test
    void msPresTimeBoundPublicationAndRemovalAreReadBack() throws Exception {
        String timeBound =
                MsPresPublishDocument.publishState("sip:agent1@contoso.com", 9500, null, 1, 3, 0, "time", 600);
        String removal = MsPresPublishDocument.removeState("sip:agent1@contoso.com", 1, 3, 4);

        StatePublication published = MsPresPublishDocument.read(utf8(timeBound)).get(0);
        StatePublication removed = MsPresPublishDocument.read(utf8(removal)).get(0);

        assertThat(published)
                .isEqualTo(new StatePublication("sip:agent1@contoso.com", "state", 1, 3, 0, "time", 600, 9500, null));
        assertThat(published.isRemoval()).isFalse();
        assertThat(removed)
                .isEqualTo(new StatePublication("sip:agent1@contoso.com", "state", 1, 3, 4, "time", 0, null, null));
        assertThat(removed.isRemoval()).isTrue();
    }
}
