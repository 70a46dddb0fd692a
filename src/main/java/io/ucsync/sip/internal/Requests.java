package io.ucsync.sip.internal;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;

/**
 * Builds the requests of ucsync's user agent: out-of-dialog requests from its own identity, and requests inside
 * a {@link DialogState} (remote target as Request-URI, the route set as Route headers, both tags, next CSeq).
 */
public final class Requests {

    private static final String USER_AGENT = "ucsync";

    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final SipProvider provider;
    private final ListeningPoint listeningPoint;
    private final Address self;
    private final ContactHeader contact;

    public Requests(
            AddressFactory addresses,
            HeaderFactory headers,
            MessageFactory messages,
            SipProvider provider,
            ListeningPoint listeningPoint,
            String userUri)
            throws ParseException {
        this.addresses = addresses;
        this.headers = headers;
        this.messages = messages;
        this.provider = provider;
        this.listeningPoint = listeningPoint;
        this.self = addresses.createAddress(userUri);
        SipURI contactUri = addresses.createSipURI(((SipURI) self.getURI()).getUser(), listeningPoint.getIPAddress());
        contactUri.setPort(listeningPoint.getPort());
        contactUri.setTransportParam(listeningPoint.getTransport().toLowerCase(Locale.ROOT));
        this.contact = headers.createContactHeader(addresses.createAddress(contactUri));
    }

    public HeaderFactory headers() {
        return headers;
    }

    public MessageFactory messages() {
        return messages;
    }

    public AddressFactory addresses() {
        return addresses;
    }

    /** ucsync's own address (the configured user). */
    public Address self() {
        return self;
    }

    public URI uri(String text) throws ParseException {
        return addresses.createURI(text);
    }

    public Address address(String text) throws ParseException {
        return addresses.createAddress(text);
    }

    /** A fresh local tag (From tag of a new dialog or of an out-of-dialog request). */
    public static String newTag() {
        return Long.toHexString(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE);
    }

    /** A new Call-ID. */
    public String newCallId() {
        return provider.getNewCallId().getCallId();
    }

    /** A new dialog's client side, to {@code remote}, from ucsync's identity. */
    public DialogState newDialog(Address remote) {
        CallIdHeader callId = provider.getNewCallId();
        return new DialogState(callId.getCallId(), newTag(), self, remote, remote.getURI());
    }

    /**
     * A request in {@code dialog}: its first request (CSeq 1, no To tag) when the dialog is not established yet,
     * otherwise the next one to the remote target along the route set.
     */
    public Request inDialog(String method, DialogState dialog) throws ParseException, InvalidArgumentException {
        long cseq = dialog.established() ? dialog.nextLocalCSeq() : dialog.localCSeq();
        ToHeader to = headers.createToHeader(dialog.remoteAddress(), dialog.remoteTag());
        Request request = create(method, dialog.remoteTarget(), dialog.callId(), dialog.localTag(), cseq, to);
        for (Address route : dialog.routeSet()) {
            RouteHeader header = headers.createRouteHeader(route);
            request.addHeader(header);
        }
        return request;
    }

    /** An out-of-dialog request (REGISTER, PUBLISH, SERVICE) with a new Call-ID unless one is given. */
    public Request outOfDialog(String method, URI requestUri, Address to, String callId, long cseq)
            throws ParseException, InvalidArgumentException {
        String id = callId != null ? callId : provider.getNewCallId().getCallId();
        return create(method, requestUri, id, newTag(), cseq, headers.createToHeader(to, null));
    }

    private Request create(String method, URI requestUri, String callId, String fromTag, long cseq, ToHeader to)
            throws ParseException, InvalidArgumentException {
        CallIdHeader callIdHeader = headers.createCallIdHeader(callId);
        CSeqHeader cseqHeader = headers.createCSeqHeader(cseq, method);
        FromHeader from = headers.createFromHeader(self, fromTag);
        ViaHeader via = headers.createViaHeader(
                listeningPoint.getIPAddress(), listeningPoint.getPort(), listeningPoint.getTransport(), null);
        MaxForwardsHeader maxForwards = headers.createMaxForwardsHeader(70);
        Request request = messages.createRequest(
                (URI) requestUri.clone(), method, callIdHeader, cseqHeader, from, to, List.of(via), maxForwards);
        request.addHeader(contact);
        request.addHeader(headers.createUserAgentHeader(List.of(USER_AGENT)));
        return request;
    }

    /** Adds a header given by name and value, e.g. {@code Supported: ms-benotify}. */
    public void add(Request request, String name, String value) throws ParseException {
        Header header = headers.createHeader(name, value);
        request.addHeader(header);
    }

    /** Sets the body and its Content-Type ({@code type/subtype}, parameters allowed). */
    public void body(Request request, String contentType, byte[] body) throws ParseException {
        ContentTypeHeader header = (ContentTypeHeader) headers.createHeader(ContentTypeHeader.NAME, contentType);
        request.setContent(body, header);
    }

    /** The CSeq number of a request or of an answer. */
    public static long cseqOf(Message message) {
        return ((CSeqHeader) message.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }
}
