package io.ucsync.lab.frontend;

import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;

/** Reading a request's headers the way the front end's answers need them; shared by the SUBSCRIBE and SERVICE handling. */
final class RequestHeaders {

    private RequestHeaders() {}

    /** The request's media type (type/subtype, lower case, no parameters), or "none". */
    static String mediaType(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type == null) {
            return "none";
        }
        return (type.getContentType() + "/" + type.getContentSubType()).toLowerCase(Locale.ROOT);
    }

    /** Whether a Supported, Proxy-Require or Require header names the option. */
    static boolean mentions(Request request, String option) {
        for (String name : List.of("Supported", "Proxy-Require", "Require")) {
            ListIterator<?> values = request.getHeaders(name);
            while (values.hasNext()) {
                if (value((Header) values.next()).contains(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A header's value: its text after the name and colon. */
    static String value(Header header) {
        String text = header.toString();
        return text.substring(text.indexOf(':') + 1).trim();
    }
}
