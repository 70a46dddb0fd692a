package io.ucsync.sip.internal;

import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.ucsync.presence.LogText;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of every SIP stack ucsync runs (stack property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}):
 * each message from the network is checked against {@link SipMessageRules} and then parsed by JAIN-SIP's own parser,
 * whose every complaint about a header (which it would otherwise keep as "unparsed") refuses the message too, as does
 * a CSeq method other than the request's.
 * <p>
 * A refused request that can be answered (its Via, From, To, Call-ID and CSeq read) becomes a stand-in request that
 * carries only those headers and the {@link Refused} answer; {@link FrontDoorValve} answers it and drops it before
 * any transaction or listener sees it. Anything else refused is dropped; on a stream, whose framing can no longer be
 * trusted, the connection is closed. Each refusal is one WARN line per kind of refusal and source, at most once a
 * minute ({@link RateLimitedLog}), its text from the network through {@link LogText}.
 */
public final class StrictMessageParser implements MessageParser {

    private static final Logger LOG = LoggerFactory.getLogger(StrictMessageParser.class);
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, 60_000, 1024);
    /** A Request-URI nobody is: the stand-in is never routed, only answered. */
    private static final String STAND_IN_URI = "sip:refused.invalid";

    /** The answer a stand-in carries; on a stream the connection is closed after it when the framing is lost. */
    public record Refused(Refusal refusal, boolean closeConnection) {}

    /** Creates the parser of each channel (a UDP thread, a TCP or TLS connection). */
    public static final class Factory implements MessageParserFactory {
        @Override
        public MessageParser createMessageParser(SIPTransactionStack stack) {
            return new StrictMessageParser(stack.getMaxMessageSize());
        }
    }

    /** Collects the first header JAIN-SIP's parser cannot read, instead of letting it keep it as unparsed. */
    private static final class HeaderComplaints implements ParseExceptionListener {
        Refusal first;

        @Override
        public void handleException(
                ParseException ex, SIPMessage message, Class headerClass, String header, String rawMessage) {
            if (first != null) {
                return;
            }
            if (headerClass == RequestLine.class || headerClass == StatusLine.class) {
                first = Refusal.badRequest("request-line", "Bad Request Line", "JAIN-SIP cannot read the start line");
                return;
            }
            String name = header == null || header.indexOf(':') < 0
                    ? "a"
                    : header.substring(0, header.indexOf(':')).strip();
            name = name.length() > 40 ? name.substring(0, 40) : name;
            first = Refusal.badRequest(
                    "malformed-header",
                    "Malformed " + name + " Header",
                    "the " + name + " header does not follow its grammar");
        }
    }

    private final StringMsgParser jainSip = new StringMsgParser();
    private final int maxMessageSize;

    StrictMessageParser(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener channel)
            throws ParseException {
        // a stream's parser hands over only the head and reads the body itself; a datagram comes whole
        boolean stream = !readBody;
        SipMessageRules.Verdict verdict = SipMessageRules.check(bytes, stream);
        if (verdict.keepAlive()) {
            return null;
        }
        SipMessageRules.Head head = verdict.head();
        Refusal refusal = verdict.refusal();
        if (refusal == null && stream && maxMessageSize > 0 && head.contentLength() > maxMessageSize) {
            refusal = new Refusal(
                    "message-size",
                    513,
                    "Message Too Large",
                    "Content-Length " + head.contentLength() + " above the largest message read, " + maxMessageSize
                            + " bytes");
        }
        if (refusal == null) {
            // bytes after the body in a datagram are discarded (RFC 3261 18.3), as in a datagram of two requests
            byte[] message = stream || head.contentLength() < 0
                    ? bytes
                    : Arrays.copyOf(bytes, head.bodyOffset() + head.contentLength());
            HeaderComplaints complaints = new HeaderComplaints();
            try {
                SIPMessage parsed = jainSip.parseSIPMessage(message, readBody, strict, complaints);
                refusal = complaints.first != null ? complaints.first : missingHeader(parsed);
                refusal = refusal != null ? refusal : cseqMismatch(parsed);
                if (refusal == null) {
                    return parsed;
                }
            } catch (ParseException | RuntimeException | StackOverflowError e) {
                refusal = complaints.first != null
                        ? complaints.first
                        : Refusal.badRequest("malformed", "Bad Request", "JAIN-SIP cannot read it");
            }
        }
        return refuse(head, refusal, channel instanceof MessageChannel c ? c : null, stream);
    }

    /** RFC 3261 8.1.1: every message has Via, From, To, Call-ID and CSeq (an answer copies them). */
    private static Refusal missingHeader(SIPMessage parsed) {
        if (parsed.getTopmostVia() == null
                || parsed.getFrom() == null
                || parsed.getTo() == null
                || parsed.getCallId() == null
                || parsed.getCSeq() == null) {
            return Refusal.badRequest("missing-header", "Missing Header", "no Via, From, To, Call-ID or CSeq");
        }
        return null;
    }

    /** RFC 3261 8.1.1.7 and RFC 4475 3.1.2.17: the CSeq method is the request's method. */
    private static Refusal cseqMismatch(SIPMessage parsed) {
        if (parsed instanceof SIPRequest request
                && request.getCSeq() != null
                && !request.getMethod().equals(request.getCSeq().getMethod())) {
            return Refusal.badRequest("cseq-method", "CSeq Method Mismatch", "the CSeq method is not the request's");
        }
        return null;
    }

    private SIPRequest refuse(SipMessageRules.Head head, Refusal refusal, MessageChannel channel, boolean stream) {
        SIPRequest standIn = head != null && head.request() ? standIn(head, refusal, stream) : null;
        String source = channel == null ? "a peer" : channel.getPeerAddress();
        String where = channel == null
                ? ""
                : " over " + channel.getTransport() + " to " + channel.getHost() + ":" + channel.getPort();
        String outcome = standIn != null
                ? "answered " + refusal.status() + " " + refusal.reasonPhrase()
                : stream ? "dropped and the connection closed" : "dropped";
        String firstLine = head == null ? "(not read)" : LogText.printable(head.firstLine());
        REFUSALS.warn(
                refusal.kind() + " " + source + where,
                "refused a SIP message from " + source + where + " (" + refusal.detail() + "), " + outcome + ": "
                        + firstLine);
        if (standIn == null && stream && channel != null) {
            channel.close();
        }
        return standIn;
    }

    /**
     * A request carrying only what an answer copies (Via, From, To, Call-ID, CSeq), its method the CSeq's, and on a
     * stream the Content-Length so that the stack still reads past the body; null when those headers cannot be read
     * or the request is an ACK, which is never answered.
     */
    private SIPRequest standIn(SipMessageRules.Head head, Refusal refusal, boolean stream) {
        List<String> vias = head.values("Via", "v");
        String from = single(head, "From", "f");
        String to = single(head, "To", "t");
        String callId = single(head, "Call-ID", "i");
        String cseq = single(head, "CSeq", null);
        String[] cseqParts = cseq == null ? new String[0] : cseq.split("[ \t]+");
        if (vias.isEmpty()
                || from == null
                || to == null
                || callId == null
                || cseqParts.length != 2
                || "ACK".equals(cseqParts[1])
                || Stream.concat(vias.stream(), Stream.of(from, to, callId, cseq))
                        .anyMatch(StrictMessageParser::hasControlCharacter)) {
            return null;
        }
        boolean framed = stream && head.contentLength() >= 0 && !refusal.kind().equals("message-size");
        StringBuilder text =
                new StringBuilder(cseqParts[1]).append(' ').append(STAND_IN_URI).append(" SIP/2.0\r\n");
        vias.forEach(via -> text.append("Via: ").append(via).append("\r\n"));
        text.append("From: ")
                .append(from)
                .append("\r\nTo: ")
                .append(to)
                .append("\r\nCall-ID: ")
                .append(callId)
                .append("\r\nCSeq: ")
                .append(cseq)
                .append("\r\nContent-Length: ")
                .append(framed ? head.contentLength() : 0)
                .append("\r\n\r\n");
        HeaderComplaints complaints = new HeaderComplaints();
        try {
            SIPMessage parsed =
                    jainSip.parseSIPMessage(text.toString().getBytes(StandardCharsets.UTF_8), false, false, complaints);
            if (!(parsed instanceof SIPRequest request) || complaints.first != null || missingHeader(parsed) != null) {
                return null;
            }
            request.setApplicationData(new Refused(refusal, stream && !framed));
            return request;
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    /** A value an answer must not copy: control characters but HTAB are refused at the front door. */
    private static boolean hasControlCharacter(String value) {
        return value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
    }

    private static String single(SipMessageRules.Head head, String name, String compactName) {
        List<String> values = head.values(name, compactName);
        return values.size() == 1 ? values.get(0) : null;
    }
}
