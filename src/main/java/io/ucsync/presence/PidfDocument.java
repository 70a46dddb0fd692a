package io.ucsync.presence;

import java.time.Instant;
import java.util.Objects;

/**
 * PIDF (RFC 3863) with RPID (RFC 4480): the standard SIP presence document, read from NOTIFY
 * bodies of a SIMPLE presence server (Kamailio relays what baresip and others PUBLISH) and written
 * for SIP PUBLISH.
 *
 * <p>Reading, one presence per document:
 * <ul>
 *   <li>any tuple whose {@code basic} is {@code open} makes the presentity open (one open device is
 *       enough to reach the person); otherwise any {@code closed} makes it OFFLINE; a document with
 *       no tuple or only other values (baresip sends {@code unknown} before it has registered) is
 *       UNKNOWN;</li>
 *   <li>when open, the RPID activities of every person, tuple and device are read (table in
 *       {@link RpidActivities}); the one implying the least available class wins (away over busy),
 *       the first in the document on a tie; no activity means ONLINE;</li>
 *   <li>an RPID {@code user-input} of {@code idle}, with none saying {@code active}, turns ONLINE into
 *       IDLE and BUSY into BUSY_IDLE, and the source into MACHINE; otherwise the source is USER;</li>
 *   <li>the presentity is the {@code entity} attribute ({@code pres:} URIs are read as {@code sip:},
 *       RFC 3856 section 5), or the subscribed URI when it is missing;</li>
 *   <li>PIDF timestamps come from the publishing client's clock, so the publish time is the time of
 *       receipt.</li>
 * </ul>
 */
public final class PidfDocument {

    public static final String CONTENT_TYPE = "application/pidf+xml";

    static final String NAMESPACE = "urn:ietf:params:xml:ns:pidf";
    static final String RPID_NAMESPACE = "urn:ietf:params:xml:ns:pidf:rpid";
    static final String DATA_MODEL_NAMESPACE = "urn:ietf:params:xml:ns:pidf:data-model";

    private PidfDocument() {}

    /**
     * A PIDF document with one tuple ({@code open}, or {@code closed} for OFFLINE) and, when there is
     * something to say, a {@code dm:person} with RPID activities and user-input:
     * <ul>
     *   <li>the activity is {@code rpidActivityOrNull} (an RFC 4480 activity name such as
     *       {@code on-the-phone}, {@code meeting}, {@code away}), or by default {@code busy} for BUSY,
     *       BUSY_IDLE and DO_NOT_DISTURB and {@code away} for BE_RIGHT_BACK and AWAY (RPID has no
     *       do-not-disturb or be-right-back, so those read back as BUSY and AWAY);</li>
     *   <li>IDLE and BUSY_IDLE add {@code <rpid:user-input>idle</rpid:user-input>}.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for UNKNOWN (there is nothing to publish), an entity that is
     *                                  not a URI, or an activity that is not an RFC 4480 activity name
     */
    public static String write(String entity, Availability availability, String rpidActivityOrNull) {
        PresenceValues.requireUri(entity, "entity");
        Objects.requireNonNull(availability, "availability");
        if (availability == Availability.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN availability cannot be published");
        }
        if (rpidActivityOrNull != null && !RpidActivities.isPublishable(rpidActivityOrNull)) {
            throw new IllegalArgumentException("not an RFC 4480 activity: " + rpidActivityOrNull);
        }
        String activity = rpidActivityOrNull != null
                ? rpidActivityOrNull
                : switch (availability) {
                    case BUSY, BUSY_IDLE, DO_NOT_DISTURB -> "busy";
                    case BE_RIGHT_BACK, AWAY -> "away";
                    default -> null;
                };
        boolean idle = availability == Availability.IDLE || availability == Availability.BUSY_IDLE;

        StringBuilder xml = new StringBuilder(512);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<presence xmlns=\"")
                .append(NAMESPACE)
                .append("\" xmlns:dm=\"")
                .append(DATA_MODEL_NAMESPACE)
                .append("\" xmlns:rpid=\"")
                .append(RPID_NAMESPACE)
                .append("\" entity=\"")
                .append(XmlEscape.escape(entity))
                .append("\">\n")
                .append("  <tuple id=\"ucsync\"><status><basic>")
                .append(availability == Availability.OFFLINE ? "closed" : "open")
                .append("</basic></status></tuple>\n");
        if (activity != null || idle) {
            xml.append("  <dm:person id=\"ucsync-person\">\n");
            if (activity != null) {
                xml.append("    <rpid:activities><rpid:").append(activity).append("/></rpid:activities>\n");
            }
            if (idle) {
                xml.append("    <rpid:user-input>idle</rpid:user-input>\n");
            }
            xml.append("  </dm:person>\n");
        }
        xml.append("</presence>\n");
        return xml.toString();
    }

    /**
     * The RPID activity to publish for an MS-PRES activity token ({@code in-a-meeting} -> {@code meeting},
     * {@code in-a-conference} -> {@code meeting}, {@code out-of-office} -> {@code vacation},
     * {@code in-presentation} -> {@code presentation}, {@code on-the-phone} and RPID names unchanged),
     * or null when RPID has no counterpart.
     */
    public static String rpidActivityFor(String activityToken) {
        return RpidActivities.rpidFor(activityToken);
    }

    static Presence read(XmlElement root, String fallbackUri, Instant receivedAt) throws PresenceDocumentException {
        if (!root.is(NAMESPACE, "presence")) {
            throw new PresenceDocumentException(
                    "unexpected root element " + root.qualifiedName() + ", expected {" + NAMESPACE + "}presence");
        }
        String entity = root.attribute("entity");
        if (entity != null && entity.trim().startsWith("pres:")) {
            entity = "sip:" + entity.trim().substring("pres:".length());
        }
        String uri = PresenceValues.presentityUri(entity, fallbackUri, "PIDF document");

        boolean open = false;
        boolean closed = false;
        for (XmlElement tuple : root.children()) {
            if (!tuple.is(NAMESPACE, "tuple")) {
                continue;
            }
            XmlElement status = tuple.child("status");
            XmlElement basic = status == null ? null : status.child("basic");
            String value = basic == null ? "" : basic.text();
            open |= value.equals("open");
            closed |= value.equals("closed");
        }
        if (!open) {
            return new Presence(
                    uri, closed ? Availability.OFFLINE : Availability.UNKNOWN, null, PresenceSource.USER, receivedAt);
        }

        RpidActivities.Meaning strongest = null;
        for (XmlElement activities : root.descendants(RPID_NAMESPACE, "activities")) {
            for (XmlElement activity : activities.children()) {
                RpidActivities.Meaning meaning = activity.namespace().equals(RPID_NAMESPACE)
                        ? RpidActivities.meaningOf(activity.localName())
                        : null;
                if (meaning != null
                        && (strongest == null
                                || meaning.availability().msPresValue()
                                        > strongest.availability().msPresValue())) {
                    strongest = meaning;
                }
            }
        }
        Availability availability = strongest == null ? Availability.ONLINE : strongest.availability();
        String activityToken = strongest == null ? null : strongest.activityToken();

        boolean idleSeen = false;
        boolean activeSeen = false;
        for (XmlElement userInput : root.descendants(RPID_NAMESPACE, "user-input")) {
            idleSeen |= userInput.text().equals("idle");
            activeSeen |= userInput.text().equals("active");
        }
        if (idleSeen && !activeSeen && availability != Availability.AWAY) {
            availability = availability == Availability.BUSY ? Availability.BUSY_IDLE : Availability.IDLE;
            return new Presence(uri, availability, activityToken, PresenceSource.MACHINE, receivedAt);
        }
        return new Presence(uri, availability, activityToken, PresenceSource.USER, receivedAt);
    }
}
