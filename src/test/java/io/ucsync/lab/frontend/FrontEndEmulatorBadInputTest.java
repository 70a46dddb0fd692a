package io.ucsync.lab.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.presence.MsPresPublishDocument;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * Bodies the front end cannot use, sent by a raw UDP client: each gets a 4xx with the reason and one WARN line,
 * and the emulator goes on serving. Also the 409 fault document as it is on the wire.
 */
class FrontEndEmulatorBadInputTest {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final String BATCH_SUBSCRIBE = "application/msrtc-adrl-categorylist+xml";

    private static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    @Test
    void unusableBodiesGetA4xxWithTheReasonAndOneWarningAndTheEmulatorKeepsServing() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient client = new RawSipClient(emulator.port());
                LogCapture log = LogCapture.of(FrontEndEmulator.class.getPackageName())) {
            String doctype = "<?xml version=\"1.0\"?><!DOCTYPE batchSub [<!ENTITY x \"boom\">]>"
                    + "<batchSub xmlns=\"http://schemas.microsoft.com/2006/01/sip/batch-subscribe\" uri=\"sip:raw@ucsync.test\"/>";
            assertThat(statusLine(client.subscribe(ALICE, BATCH_SUBSCRIBE, doctype)))
                    .isEqualTo("SIP/2.0 400 Unreadable adhocList: DOCTYPE not allowed");
            String noResource =
                    "<batchSub xmlns=\"http://schemas.microsoft.com/2006/01/sip/batch-subscribe\" uri=\"sip:raw@ucsync.test\">"
                            + "<action name=\"subscribe\" id=\"1\"><adhocList/></action></batchSub>";
            assertThat(statusLine(client.subscribe("sip:raw@ucsync.test", BATCH_SUBSCRIBE, noResource)))
                    .isEqualTo(
                            "SIP/2.0 400 Unreadable adhocList: batchSub has no subscribe action with an adhocList resource");
            assertThat(statusLine(client.subscribe("sip:raw@ucsync.test", null, "")))
                    .startsWith("SIP/2.0 400 A subscription to oneself is a batch and needs an adhocList");
            assertThat(statusLine(client.subscribe(ALICE, "text/plain", "alice please")))
                    .isEqualTo("SIP/2.0 415 SUBSCRIBE body must be " + BATCH_SUBSCRIBE + ", not text/plain");
            assertThat(statusLine(client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, "<publish><unclosed>")))
                    .startsWith("SIP/2.0 400 Unreadable publication: not XML");
            String wrongRoot = "<categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\"/>";
            assertThat(statusLine(client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, wrongRoot)))
                    .startsWith("SIP/2.0 400 Unreadable publication: unexpected root element");
            assertThat(statusLine(client.service(ALICE, "application/pidf+xml", "<presence/>")))
                    .isEqualTo("SIP/2.0 415 SERVICE body must be " + MsPresPublishDocument.CONTENT_TYPE
                            + ", not application/pidf+xml");
            assertThat(log.lines().stream().filter(line -> line.startsWith("WARN")))
                    .hasSize(7)
                    .allSatisfy(line -> assertThat(line).contains("refused (4"));
            assertThat(emulator.publications(ALICE)).isEmpty();
            assertThat(emulator.subscriptions()).isEmpty();

            // still serving: a good publication and a good subscription
            String publish = MsPresPublishDocument.publishState(ALICE, 6500, "on-the-phone", 1100, 2, 0, "static");
            assertThat(statusLine(client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, publish)))
                    .isEqualTo("SIP/2.0 200 OK");
            assertThat(emulator.publications(ALICE))
                    .extracting(FrontEndEmulator.Publication::availability)
                    .containsExactly(6500);
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            String subscribed = client.request(
                    "SUBSCRIBE",
                    ALICE,
                    "sip:raw@ucsync.test",
                    ALICE,
                    "Event: presence\r\nExpires: 60\r\nSupported: ms-piggyback-first-notify\r\n",
                    null,
                    "");
            assertThat(statusLine(subscribed)).isEqualTo("SIP/2.0 200 OK");
            assertThat(subscribed)
                    .as("the publication shows over the worker's own presence")
                    .contains("<availability>6500</availability>")
                    .contains("token=\"on-the-phone\"");
        }
    }

    @Test
    void overUdpABatchWhoseFirstNotificationWouldNotFitInADatagramGets413AndAFittingOneIsTaken() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient client = new RawSipClient(emulator.port())) {
            // about 600 bytes per worker in the multipart answer: 200 workers need 120 KB, 50 fit in 30 KB
            assertThat(statusLine(client.subscribe("sip:raw@ucsync.test", BATCH_SUBSCRIBE, batchOf(200))))
                    .isEqualTo(
                            "SIP/2.0 413 The first notification of 200 workers would not fit in a UDP datagram; a smaller batch, or TCP");
            assertThat(emulator.stats().watched()).isZero();
            String taken = client.subscribe("sip:raw@ucsync.test", BATCH_SUBSCRIBE, batchOf(50));
            assertThat(statusLine(taken)).isEqualTo("SIP/2.0 200 OK");
            assertThat(emulator.stats().watched()).isEqualTo(50);
        }
    }

    /** A batchSub naming workers sip:kw1@ucsync.test and on. */
    private static String batchOf(int workers) {
        StringBuilder body =
                new StringBuilder("<batchSub xmlns=\"http://schemas.microsoft.com/2006/01/sip/batch-subscribe\""
                        + " uri=\"sip:raw@ucsync.test\"><action name=\"subscribe\" id=\"1\"><adhocList>");
        for (int i = 1; i <= workers; i++) {
            body.append("<resource uri=\"sip:kw").append(i).append("@ucsync.test\"/>");
        }
        return body.append("</adhocList></action></batchSub>").toString();
    }

    @Test
    void anUnknownMethodGets405WithAllowAndANotifyOutsideAnySubscription481() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient client = new RawSipClient(emulator.port())) {
            String unknown = client.request("FROBNICATE", ALICE, "sip:raw@ucsync.test", ALICE, "", null, "");
            assertThat(statusLine(unknown)).isEqualTo("SIP/2.0 405 Method not allowed");
            assertThat(unknown).contains("Allow: REGISTER, SUBSCRIBE, SERVICE, OPTIONS, NOTIFY\r\n");
            String notify = client.request(
                    "NOTIFY",
                    "sip:raw@127.0.0.1",
                    ALICE,
                    "sip:raw@ucsync.test",
                    "Event: presence\r\nSubscription-State: active\r\n",
                    null,
                    "");
            assertThat(statusLine(notify)).isEqualTo("SIP/2.0 481 Subscription does not exist");
            assertThat(statusLine(client.request("OPTIONS", ALICE, "sip:raw@ucsync.test", ALICE, "", null, "")))
                    .isEqualTo("SIP/2.0 200 OK");
        }
    }

    @Test
    void whileUnavailableEveryRequestGets503WithRetryAfter() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient client = new RawSipClient(emulator.port())) {
            emulator.unavailable(20);
            String refused = client.subscribe(ALICE, null, "");
            assertThat(statusLine(refused)).isEqualTo("SIP/2.0 503 Service unavailable");
            assertThat(refused).contains("Retry-After: 20\r\n");
            assertThat(emulator.subscriptions()).isEmpty();
            emulator.available();
            assertThat(statusLine(client.subscribe(ALICE, null, ""))).isEqualTo("SIP/2.0 200 OK");
        }
    }

    @Test
    void aStalePublicationVersionGets409WithTheFaultNamingTheCurrentVersion() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient client = new RawSipClient(emulator.port())) {
            String first = MsPresPublishDocument.publishState(ALICE, 6500, null, 1100, 2, 0, "static");
            assertThat(statusLine(client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, first)))
                    .isEqualTo("SIP/2.0 200 OK");
            String stale = MsPresPublishDocument.publishState(ALICE, 9500, null, 1100, 2, 0, "static");
            String conflict = client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, stale);
            assertThat(statusLine(conflict)).startsWith("SIP/2.0 409");
            assertThat(conflict)
                    .contains("Content-Type: application/msrtc-fault+xml")
                    .contains("<Faultcode>Client.BadCall.WrongDelta</Faultcode>")
                    .contains("curVersion=\"1\"");
            assertThat(emulator.publications(ALICE))
                    .extracting(FrontEndEmulator.Publication::availability)
                    .containsExactly(6500);

            String removal = MsPresPublishDocument.removeState(ALICE, 1100, 2, 1);
            assertThat(statusLine(client.service(ALICE, MsPresPublishDocument.CONTENT_TYPE, removal)))
                    .isEqualTo("SIP/2.0 200 OK");
            assertThat(emulator.publications(ALICE)).isEmpty();
        }
    }
}
