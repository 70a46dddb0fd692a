package io.ucsync.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The SERVICE publication body and the 409 fault, after MS-PRES and pidgin-sipe's use of them. */
class MsPresPublishDocumentTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPublicationHasTheMsPresShape() {
        String document = MsPresPublishDocument.publishState(
                "sip:agent1@contoso.com", 9500, "on-the-phone", 0x20000000, 2, 5, "static");

        assertThat(document).isEqualTo("""
                <?xml version="1.0" encoding="utf-8"?>
                <publish xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence">
                  <publications uri="sip:agent1@contoso.com">
                    <publication categoryName="state" instance="536870912" container="2" version="5" expireType="static">
                      <state xmlns="http://schemas.microsoft.com/2006/09/sip/state" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="userState" manual="true">
                        <availability>9500</availability>
                        <activity token="on-the-phone"/>
                      </state>
                    </publication>
                  </publications>
                </publish>
                """);
    }

    @Test
    void aRemovalIsTimeBoundWithExpiresZeroAndNoValue() {
        assertThat(MsPresPublishDocument.removeState("sip:agent1@contoso.com", 7, 3, 2))
                .contains(
                        "<publication categoryName=\"state\" instance=\"7\" container=\"3\" version=\"2\" expireType=\"time\" expires=\"0\"/>");
    }

    @Test
    void aPublicationOfSeveralInstancesAndCategoriesIsReadInOrder() throws Exception {
        // pidgin-sipe publishes a user state into both aggregation containers in one SERVICE, often with a note
        String document = """
                <publish xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence">
                  <publications uri="sip:bob@contoso.com">
                    <publication categoryName="state" instance="536870912" container="2" version="0" expireType="static">
                      <state xmlns="http://schemas.microsoft.com/2006/09/sip/state" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" manual="true" xsi:type="userState">
                        <availability>15500</availability><activity token="off-work"/>
                      </state>
                    </publication>
                    <publication categoryName="state" instance="536870912" container="3" version="1" expireType="static">
                      <state xmlns="http://schemas.microsoft.com/2006/09/sip/state" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" manual="true" xsi:type="userState">
                        <availability>15500</availability>
                      </state>
                    </publication>
                    <publication categoryName="note" instance="0" container="400" version="2" expireType="static">
                      <note xmlns="http://schemas.microsoft.com/2006/09/sip/note"><body type="personal" uri="">Gone fishing</body></note>
                    </publication>
                  </publications>
                </publish>""";

        assertThat(MsPresPublishDocument.read(utf8(document)))
                .containsExactly(
                        new StatePublication(
                                "sip:bob@contoso.com", "state", 536870912, 2, 0, "static", null, 15500, "off-work"),
                        new StatePublication(
                                "sip:bob@contoso.com", "state", 536870912, 3, 1, "static", null, 15500, null),
                        new StatePublication("sip:bob@contoso.com", "note", 0, 400, 2, "static", null, null, null));
    }

    @Test
    void aPublicationWithoutItsVersionIsRefused() {
        String document =
                "<publish xmlns=\"http://schemas.microsoft.com/2006/09/sip/rich-presence\"><publications uri=\"sip:a@b\">"
                        + "<publication categoryName=\"state\" instance=\"1\" container=\"2\"/></publications></publish>";

        assertThatThrownBy(() -> MsPresPublishDocument.read(utf8(document)))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("publication attribute version missing");
    }

    @Test
    void publicationsWithoutPublisherAreRefused() {
        String document = "<publish xmlns=\"http://schemas.microsoft.com/2006/09/sip/rich-presence\"><publications>"
                + "<publication categoryName=\"state\" instance=\"1\" container=\"2\" version=\"0\"/></publications></publish>";

        assertThatThrownBy(() -> MsPresPublishDocument.read(utf8(document)))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("publications attribute uri missing");
    }

    @Test
    void anInstanceOutOfRangeIsRefused() {
        String document =
                "<publish xmlns=\"http://schemas.microsoft.com/2006/09/sip/rich-presence\"><publications uri=\"sip:a@b\">"
                        + "<publication categoryName=\"state\" instance=\"4294967296\" container=\"2\" version=\"0\"/></publications></publish>";

        assertThatThrownBy(() -> MsPresPublishDocument.read(utf8(document)))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("publication attribute instance is not an unsigned number up to 4294967295: 4294967296");
    }

    @Test
    void anotherDocumentIsRefusedByItsRoot() {
        assertThatThrownBy(() -> MsPresPublishDocument.read(
                        utf8("<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\"/>")))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("unexpected root element {http://schemas.microsoft.com/2006/09/sip/categories}categories,"
                        + " expected {http://schemas.microsoft.com/2006/09/sip/rich-presence}publish");
    }

    @Test
    void writingRefusesWhatMsPresDoesNotAllow() {
        assertThatThrownBy(() -> MsPresPublishDocument.publishState("sip:a@b", 3500, null, 1, 2, 0, "forever"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expireType must be one of");
        assertThatThrownBy(() -> MsPresPublishDocument.publishState("sip:a@b", 3500, null, 1, 2, 0, "time"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expires is required with expireType time");
        assertThatThrownBy(() -> MsPresPublishDocument.publishState("sip:a@b", 3500, "on the phone", 1, 2, 0, "static"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("activity token is not a token");
        assertThatThrownBy(() -> MsPresPublishDocument.publishState("sip:a@b", -1, null, 1, 2, 0, "static"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("availability must not be negative: -1");
        assertThatThrownBy(() -> MsPresPublishDocument.removeState("sip:a@b", 1, 2, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version must not be negative: -1");
    }

    @Test
    void theMsPresConflictExampleGivesTheCurrentVersion() throws Exception {
        String fault = "<Fault> <Faultcode>Client.BadCall.WrongDelta</Faultcode> <details> "
                + "<operation index=\"1\" version=\"1\" curVersion=\"2\" > </operation> </details> </Fault>";

        assertThat(MsPresFault.currentVersion(utf8(fault))).hasValue(2);
    }

    @Test
    void theFaultWrittenForTheEmulatorIsReadBack() throws Exception {
        assertThat(MsPresFault.currentVersion(utf8(MsPresFault.wrongVersion(41))))
                .hasValue(41);
    }

    @Test
    void anotherFaultCodeHasNoCurrentVersion() throws Exception {
        String fault =
                "<Fault><Faultcode>Client.BadCall.NotAuthorized</Faultcode><details><operation index=\"1\" curVersion=\"2\"/></details></Fault>";

        assertThat(MsPresFault.currentVersion(utf8(fault))).isEqualTo(OptionalLong.empty());
    }

    @Test
    void aFaultWithoutDetailsHasNoCurrentVersion() throws Exception {
        assertThat(MsPresFault.currentVersion(utf8("<Fault><Faultcode>Client.BadCall.WrongDelta</Faultcode></Fault>")))
                .isEmpty();
    }

    @Test
    void aFaultThatIsNotAFaultIsRefused() {
        assertThatThrownBy(() -> MsPresFault.currentVersion(utf8("<html><body>409</body></html>")))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("unexpected root element {}html, expected Fault");
        assertThatThrownBy(
                        () -> MsPresFault.currentVersion(utf8("<Fault><Faultcode>Client.BadCall.WrongDelta</Faultcode>"
                                + "<details><operation curVersion=\"two\"/></details></Fault>")))
                .isInstanceOf(PresenceDocumentException.class)
                .hasMessage("fault curVersion is not an unsigned number: two");
    }
}
