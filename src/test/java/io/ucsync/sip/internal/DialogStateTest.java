package io.ucsync.sip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import org.junit.jupiter.api.Test;

/** Which notifications of a dialog are newer than what was seen before them. */
class DialogStateTest {

    private static DialogState dialog() throws Exception {
        AddressFactory addresses = SipFactory.getInstance().createAddressFactory();
        return new DialogState(
                "call-1",
                "tag-1",
                addresses.createAddress("sip:ucsync@ucsync.test"),
                addresses.createAddress("sip:kw01@ucsync.test"),
                addresses.createURI("sip:kw01@ucsync.test"));
    }

    @Test
    void aBenotifyThatOvertookTheAnswerToTheFirstSubscribeWinsOverTheDocumentInThatAnswer() throws Exception {
        DialogState dialog = dialog();
        assertThat(dialog.acceptCSeq(false, 1)).as("the BENOTIFY, read first").isTrue();
        assertThat(dialog.acceptCSeq(true, 1))
                .as("the 200's piggybacked document, older")
                .isFalse();
        assertThat(dialog.acceptCSeq(true, 2)).as("the answer to a refresh").isTrue();
        assertThat(dialog.acceptCSeq(false, 2)).isTrue();
    }

    @Test
    void inOrderThePiggybackedDocumentThenNotificationsAreAllTakenAndRetransmissionsAreNot() throws Exception {
        DialogState dialog = dialog();
        assertThat(dialog.acceptCSeq(true, 1)).isTrue();
        assertThat(dialog.acceptCSeq(false, 1)).isTrue();
        assertThat(dialog.acceptCSeq(false, 1)).as("a retransmission").isFalse();
        assertThat(dialog.acceptCSeq(false, 3)).isTrue();
        assertThat(dialog.acceptCSeq(false, 2)).as("overtaken").isFalse();
    }
}
