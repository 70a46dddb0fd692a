package io.ucsync.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * SIP requests at the edge of RFC 3261, written for ucsync in the categories of RFC 4475 (not RFC 4475's own
 * messages): valid ones a strict parser must still take (whitespace and folding, escapes, odd but legal methods,
 * long values, two requests in one datagram) and invalid ones it must refuse (bad versions and request lines, bad
 * URIs, header lines, control characters, Content-Length errors, unbalanced quotes, missing headers).
 * <p>
 * Templates: {@code $VIA} is a Via of the sender's own address, {@code $CALLID} a fresh Call-ID, {@code $TARGET} the
 * host of the Request-URI; lines end with CRLF; {@code <FF>} is the byte 0xFF.
 */
final class SipCorpus {

    /** RFC 4475's groups, as src/main/docs/presence-and-sip.md "The front door: strict SIP" names them. */
    enum Category {
        WHITESPACE_AND_FOLDING,
        ESCAPES,
        METHODS,
        LONG_VALUES,
        VERSIONS,
        REQUEST_LINE,
        URIS,
        HEADER_LINES,
        CONTROL_CHARACTERS,
        CONTENT_LENGTH,
        QUOTES,
        MISSING_HEADERS
    }

    /**
     * @param expected       the status ucsync answers with, or 0 when it answers nothing (over a stream it then closes
     *                       the connection: the framing is lost)
     * @param closesStream   whether over a stream the connection is closed after the answer
     * @param datagramOnly   a case only a datagram can carry (a stream would wait for the rest, or read two requests)
     * @param streamExpected the status over a stream when it differs: JAIN-SIP's stream reader drops every CR and reads
     *                       bytes that are not UTF-8 as U+FFFD before the front door sees the head, so a bare CR and a
     *                       byte 0xFF are refused over UDP only
     */
    record Case(
            String name,
            Category category,
            String rfc4475,
            int expected,
            boolean closesStream,
            boolean datagramOnly,
            int streamExpected,
            String template) {

        int expected(String transport) {
            return transport.equals("tcp") && streamExpected != 0 ? streamExpected : expected;
        }

        byte[] render(String transport, int localPort, String target) {
            String text = template.replace(
                            "$VIA",
                            "SIP/2.0/" + transport.toUpperCase() + " 127.0.0.1:" + localPort + ";branch=z9hG4bK-"
                                    + UUID.randomUUID())
                    .replace("$CALLID", UUID.randomUUID().toString())
                    .replace("$TARGET", target)
                    .replace("\n", "\r\n");
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(utf8.length);
            for (int i = 0; i < utf8.length; i++) {
                if (i + 4 <= utf8.length && new String(utf8, i, 4, StandardCharsets.US_ASCII).equals("<FF>")) {
                    bytes.write(0xff);
                    i += 3;
                } else {
                    bytes.write(utf8[i]);
                }
            }
            return bytes.toByteArray();
        }
    }

    private static final String HEADERS = """
            Via: $VIA
            Max-Forwards: 70
            From: <sip:caller@ucsync.test>;tag=c1
            To: <sip:someone@$TARGET>
            Call-ID: $CALLID
            """;

    private static Case answered(String name, Category category, String rfc4475, int expected, String template) {
        return new Case(name, category, rfc4475, expected, false, false, 0, template);
    }

    /** A case a datagram refuses but JAIN-SIP's stream reader has cleaned before the front door sees it. */
    private static Case refusedOverUdpOnly(String name, Category category, int expected, String template) {
        return new Case(name, category, "", expected, false, false, 200, template);
    }

    /** A refusal after which a stream's framing is lost: answered, then the connection closed. */
    private static Case refusedClosing(String name, Category category, String rfc4475, int expected, String template) {
        return new Case(name, category, rfc4475, expected, true, false, 0, template);
    }

    private static String options(String extraHeaders) {
        return "OPTIONS sip:someone@$TARGET SIP/2.0\n" + HEADERS + "CSeq: 1 OPTIONS\n" + extraHeaders
                + "Content-Length: 0\n\n";
    }

    static final List<Case> CASES = List.of(
            answered("folding and whitespace", Category.WHITESPACE_AND_FOLDING, "3.1.1.1", 200, """
                    OPTIONS sip:someone@$TARGET SIP/2.0
                    Via  :   $VIA
                    max-forwards:    70
                    From:   "Folded Name"
                       <sip:caller@ucsync.test>;tag=f1
                    t:<sip:someone@$TARGET>
                    i: $CALLID
                    CSeq:    1    OPTIONS
                    Subject: a subject
                      folded over
                    \ttwo lines
                    NewFangledHeader:   newfangled value
                     continued newfangled value
                    UnknownHeaderWithUnusualValue: ;;,,;;,;
                    l: 0

                    """),
            answered("escapes in URIs", Category.ESCAPES, "3.1.1.3, 3.1.1.4", 200, """
                    OPTIONS sip:sips%3Auser%40example.com@$TARGET;other-param=summit SIP/2.0
                    Via: $VIA
                    Max-Forwards: 70
                    From: <sip:I%20have%20spaces@ucsync.test>;tag=e1
                    To: <sip:null-%00-null@$TARGET>
                    Call-ID: $CALLID
                    CSeq: 1 OPTIONS
                    Content-Length: 0

                    """),
            answered("% that is no escape", Category.ESCAPES, "3.1.1.5", 200, """
                    OPTIONS sip:someone@$TARGET SIP/2.0
                    Via: $VIA
                    Max-Forwards: 70
                    From: "%Z%45" <sip:caller@ucsync.test>;tag=p1
                    To: <sip:someone@$TARGET>
                    Call-ID: $CALLID
                    CSeq: 1 OPTIONS
                    Content-Length: 0

                    """),
            answered("method of every token character", Category.METHODS, "3.1.1.2", 405, """
                    !interesting-Method0123456789_*+`.%indeed'~ sip:someone@$TARGET SIP/2.0
                    """ + HEADERS + """
                    CSeq: 1 !interesting-Method0123456789_*+`.%indeed'~
                    Content-Length: 0

                    """),
            answered("no space between display name and <", Category.WHITESPACE_AND_FOLDING, "3.1.1.6", 200, """
                    OPTIONS sip:someone@$TARGET SIP/2.0
                    Via: $VIA
                    Max-Forwards: 70
                    From: caller<sip:caller@ucsync.test>;tag=d1
                    To: "someone"<sip:someone@$TARGET>
                    Call-ID: $CALLID
                    CSeq: 1 OPTIONS
                    Content-Length: 0

                    """),
            answered(
                    "semicolon in the user part",
                    Category.URIS,
                    "3.1.1.9",
                    200,
                    options("").replace("sip:someone@$TARGET SIP", "sip:user;par=u%40example.net@$TARGET SIP")),
            answered(
                    "lower-case SIP version",
                    Category.VERSIONS,
                    "(RFC 3261 25: case-insensitive)",
                    200,
                    options("").replace("SIP/2.0\n", "sip/2.0\n")),
            answered(
                    "long header values",
                    Category.LONG_VALUES,
                    "3.1.1.7",
                    200,
                    options("Subject: " + "x".repeat(3000) + "\nUnknown-Long: " + "y;".repeat(1000) + "\n")),
            new Case(
                    "two requests in one datagram",
                    Category.CONTENT_LENGTH,
                    "3.1.1.8",
                    200,
                    false,
                    true,
                    0,
                    options("") + options("")),
            answered("SIP/7.0", Category.VERSIONS, "3.1.2.16", 505, options("").replace("SIP/2.0\n", "SIP/7.0\n")),
            answered("no SIP version", Category.VERSIONS, "", 400, options("").replace("SIP/2.0\n", "SIP/2\n")),
            answered(
                    "two spaces in the request line",
                    Category.REQUEST_LINE,
                    "3.1.2.9",
                    400,
                    options("").replace("OPTIONS sip", "OPTIONS  sip")),
            answered(
                    "space at the end of the request line",
                    Category.REQUEST_LINE,
                    "3.1.2.10",
                    400,
                    options("").replace("SIP/2.0\n", "SIP/2.0 \n")),
            answered(
                    "whitespace inside the Request-URI",
                    Category.URIS,
                    "3.1.2.8",
                    400,
                    options("").replace("sip:someone@$TARGET SIP", "sip:someone@$TARGET; lr SIP")),
            answered(
                    "Request-URI in <>",
                    Category.URIS,
                    "3.1.2.7",
                    400,
                    options("").replace("sip:someone@$TARGET SIP", "<sip:someone@$TARGET> SIP")),
            answered(
                    "unknown Request-URI scheme",
                    Category.URIS,
                    "3.3.2",
                    416,
                    options("").replace("sip:someone@$TARGET SIP", "nobodyKnowsThisScheme:totallyopaquecontent SIP")),
            answered(
                    "space inside a Contact URI",
                    Category.URIS,
                    "3.1.2.14",
                    400,
                    options("Contact: <sip:user@exa mple.com>\n")),
            answered("header line without a colon", Category.HEADER_LINES, "", 400, options("NoColonHere\n")),
            answered("header name with a space", Category.HEADER_LINES, "", 400, options("Max Forwards: 70\n")),
            answered(
                    "folded line before any header",
                    Category.HEADER_LINES,
                    "",
                    400,
                    options("").replace("SIP/2.0\nVia", "SIP/2.0\n folded\nVia")),
            answered(
                    "Max-Forwards above 255",
                    Category.HEADER_LINES,
                    "3.1.2.4",
                    400,
                    options("").replace("Max-Forwards: 70", "Max-Forwards: 300")),
            answered("NUL in a header value", Category.CONTROL_CHARACTERS, "", 400, options("Subject: a\0b\n")),
            refusedOverUdpOnly(
                    "bare CR in a header value", Category.CONTROL_CHARACTERS, 400, options("Subject: a\rb\n")),
            refusedOverUdpOnly("not UTF-8", Category.CONTROL_CHARACTERS, 400, options("Subject: caf<FF>\n")),
            refusedClosing(
                    "negative Content-Length",
                    Category.CONTENT_LENGTH,
                    "3.1.2.3",
                    400,
                    options("").replace("Content-Length: 0", "Content-Length: -999")),
            refusedClosing(
                    "two Content-Length values", Category.CONTENT_LENGTH, "3.3.9", 400, options("Content-Length: 0\n")),
            new Case(
                    "Content-Length larger than the body",
                    Category.CONTENT_LENGTH,
                    "3.1.2.2",
                    400,
                    false,
                    true,
                    0,
                    options("").replace("Content-Length: 0\n\n", "Content-Length: 9999\n\nshort body")),
            answered(
                    "CSeq method other than the request's",
                    Category.METHODS,
                    "3.1.2.17",
                    400,
                    options("").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE")),
            answered(
                    "unknown method, CSeq of another",
                    Category.METHODS,
                    "3.1.2.18",
                    400,
                    options("").replace("OPTIONS sip", "NEWMETHOD sip")),
            answered(
                    "unterminated quote in a Contact",
                    Category.QUOTES,
                    "3.1.2.6",
                    400,
                    options("Contact: \"Mr. J. User <sip:j.user@ucsync.test>\n")),
            answered(
                    "unterminated quote in To: no answer can be built",
                    Category.QUOTES,
                    "3.1.2.6",
                    0,
                    options("").replace("To: <sip:someone@$TARGET>", "To: \"Mr. J. User <sip:someone@$TARGET>")),
            answered(
                    "CSeq number above 2^31: no answer can be built",
                    Category.MISSING_HEADERS,
                    "3.1.2.4",
                    0,
                    options("").replace("CSeq: 1 OPTIONS", "CSeq: 36893488147419103232 OPTIONS")),
            answered(
                    "no Call-ID: no answer can be built",
                    Category.MISSING_HEADERS,
                    "3.3.1",
                    0,
                    options("").replace("Call-ID: $CALLID\n", "")));

    private SipCorpus() {}
}
