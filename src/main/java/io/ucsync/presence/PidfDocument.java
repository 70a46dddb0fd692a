package io.ucsync.presence;

/** Stub with the signature agreed with the presence-docs branch; replaced by that branch's class on merge. */
public final class PidfDocument {

    public static final String CONTENT_TYPE = "application/pidf+xml";

    private PidfDocument() {
    }

    public static byte[] write(String entity, Availability availability, String rpidActivity) {
        throw new UnsupportedOperationException("presence-docs not merged yet");
    }
}
