package io.ucsync.presence;

import java.util.HashMap;
import java.util.Map;

/**
 * The resource list meta-information ({@code application/rlmi+xml}, RFC 4662) at the root of a
 * batched notification: which resource each body part is about.
 */
final class RlmiDocument {

    static final String CONTENT_TYPE = "application/rlmi+xml";
    static final String NAMESPACE = "urn:ietf:params:xml:ns:rlmi";
    /** The Content-ID ucsync gives the rlmi part of the batches it writes. */
    static final String ROOT_CONTENT_ID = "rlmi@ucsync";

    private RlmiDocument() {}

    /** For each instance that references a body part: the part's Content-ID (without angle brackets) and its resource URI. */
    static Map<String, String> resourceUrisByContentId(XmlElement root) throws PresenceDocumentException {
        if (!root.is(NAMESPACE, "list")) {
            throw new PresenceDocumentException(
                    "unexpected root element " + root.qualifiedName() + ", expected {" + NAMESPACE + "}list");
        }
        Map<String, String> uris = new HashMap<>();
        for (XmlElement resource : root.children()) {
            if (!resource.is(NAMESPACE, "resource")) {
                continue;
            }
            String uri = resource.attribute("uri");
            for (XmlElement instance : resource.children()) {
                String cid = MultipartRelated.bareContentId(instance.attribute("cid"));
                if (instance.is(NAMESPACE, "instance") && cid != null && !cid.isEmpty() && uri != null) {
                    uris.put(cid, uri);
                }
            }
        }
        return uris;
    }
}
