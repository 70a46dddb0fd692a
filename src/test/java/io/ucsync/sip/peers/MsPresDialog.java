package io.ucsync.sip.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Messages a test sends as the front end in a dialog SIPp answered, from a socket of its own (what SIPp cannot send). */
public final class MsPresDialog {

    private MsPresDialog() {}

    /** From, To and Call-ID of the dialog SIPp set up, as SIPp's message trace shows them, for messages of the front end's side. */
    public static String headers(SippPeer sipp) {
        String messages = sipp.messages();
        Matcher subscribe = Pattern.compile("(?s)SUBSCRIBE sip:.*?\\n(From: [^\\r\\n]*).*?\\n(Call-ID: [^\\r\\n]*)")
                .matcher(messages);
        Matcher answer = Pattern.compile("(?s)SIP/2.0 200 OK.*?\\n(To: [^\\r\\n]*;tag=[^\\r\\n]*)")
                .matcher(messages);
        assertThat(subscribe.find()).as(messages).isTrue();
        assertThat(answer.find()).as(messages).isTrue();
        String ourSide = subscribe.group(1).replaceFirst("^From:", "To:");
        String theirSide = answer.group(1).replaceFirst("^To:", "From:");
        return theirSide + "\r\n" + ourSide + "\r\n" + subscribe.group(2);
    }

    /** A BENOTIFY of the front end in that dialog, sent over TCP from localPort, with this categories document. */
    public static byte[] benotify(String dialog, int cseq, byte[] body, int localPort) {
        String head = "BENOTIFY sip:ucsync@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:" + localPort + ";branch=z9hG4bK-hostile-" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n" + dialog + "\r\n"
                + "CSeq: " + cseq + " BENOTIFY\r\nEvent: presence\r\nSubscription-State: active;expires=3600\r\n"
                + "Content-Type: application/msrtc-event-categories+xml\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, message, 0, headBytes.length);
        System.arraycopy(body, 0, message, headBytes.length, body.length);
        return message;
    }
}
