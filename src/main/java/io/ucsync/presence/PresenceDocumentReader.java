package io.ucsync.presence;

import java.time.Instant;
import java.util.List;

/** Stub with the signature agreed with the presence-docs branch; replaced by that branch's class on merge. */
public class PresenceDocumentReader {

    public List<Presence> read(String contentType, byte[] body, String subscribedUri, Instant receivedAt)
            throws PresenceDocumentException {
        if (body == null || body.length == 0) {
            return List.of();
        }
        throw new PresenceDocumentException("presence-docs not merged yet");
    }
}
