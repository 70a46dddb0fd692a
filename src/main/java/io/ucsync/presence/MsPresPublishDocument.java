package io.ucsync.presence;

/** Stub with the signature agreed with the presence-docs branch; replaced by that branch's class on merge. */
public final class MsPresPublishDocument {

    public static final String CONTENT_TYPE = "application/msrtc-category-publish+xml";

    private MsPresPublishDocument() {
    }

    public static byte[] publishState(String sipUri, Availability availability, String activityToken, long instance,
            int container, long version, String expireType) {
        throw new UnsupportedOperationException("presence-docs not merged yet");
    }

    public static byte[] removeState(String sipUri, long instance, int container, long version) {
        throw new UnsupportedOperationException("presence-docs not merged yet");
    }
}
