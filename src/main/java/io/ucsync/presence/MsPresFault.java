package io.ucsync.presence;

import java.util.OptionalLong;

/**
 * The {@code application/msrtc-fault+xml} body of a 409 Conflict answer to a category publication
 * whose version is out of date (MS-PRES 3.7.5.x; pidgin-sipe and the setDelegate example):
 * {@code <Fault><Faultcode>Client.BadCall.WrongDelta</Faultcode><details><operation index="1" curVersion="N"/></details></Fault>}.
 * The publisher republishes with {@code curVersion}.
 */
public final class MsPresFault {

    public static final String CONTENT_TYPE = "application/msrtc-fault+xml";
    public static final String WRONG_DELTA = "Client.BadCall.WrongDelta";

    private MsPresFault() {}

    /**
     * The server's current version from a WrongDelta fault: that of the first operation that names one
     * (ucsync publishes one instance per request). Empty for another fault code or a fault without it.
     */
    public static OptionalLong currentVersion(byte[] body) throws PresenceDocumentException {
        XmlElement root = SafeXml.DEFAULT.parse(body);
        // MS-PRES writes the fault without a namespace; accept any, the local name is the contract
        if (!root.localName().equals("Fault")) {
            throw new PresenceDocumentException("unexpected root element " + root.qualifiedName() + ", expected Fault");
        }
        XmlElement faultCode = root.child("Faultcode");
        if (faultCode == null || !faultCode.text().equals(WRONG_DELTA)) {
            return OptionalLong.empty();
        }
        XmlElement details = root.child("details");
        if (details == null) {
            return OptionalLong.empty();
        }
        for (XmlElement operation : details.children("operation")) {
            String current = operation.attribute("curVersion");
            if (current != null) {
                String trimmed = current.trim();
                if (!trimmed.matches("\\d{1,18}")) {
                    throw new PresenceDocumentException(
                            "fault curVersion is not an unsigned number: " + LogText.printable(trimmed));
                }
                return OptionalLong.of(Long.parseLong(trimmed));
            }
        }
        return OptionalLong.empty();
    }

    /** The 409 body the UC front-end emulator answers with when a publication's version is not the current one. */
    public static String wrongVersion(long currentVersion) {
        if (currentVersion < 0) {
            throw new IllegalArgumentException("version must not be negative: " + currentVersion);
        }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<Fault>\n"
                + "  <Faultcode>" + WRONG_DELTA + "</Faultcode>\n"
                + "  <details>\n"
                + "    <operation index=\"1\" curVersion=\"" + currentVersion + "\"/>\n"
                + "  </details>\n"
                + "</Fault>\n";
    }
}
