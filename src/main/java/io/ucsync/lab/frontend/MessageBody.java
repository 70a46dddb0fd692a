package io.ucsync.lab.frontend;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Message;

/** A body and its Content-Type header value, as a response or a notification carries it. */
record MessageBody(String contentType, String body) {

    void setOn(Message message, HeaderFactory headers) throws ParseException {
        message.setContent(body.getBytes(StandardCharsets.UTF_8), (ContentTypeHeader)
                headers.createHeader(ContentTypeHeader.NAME, contentType));
    }
}
