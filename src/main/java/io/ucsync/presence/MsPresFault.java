package io.ucsync.presence;

import java.util.OptionalLong;

/** Stub with the signature agreed with the presence-docs branch; replaced by that branch's class on merge. */
public final class MsPresFault {

    private MsPresFault() {
    }

    public static OptionalLong currentVersion(byte[] body) {
        return OptionalLong.empty();
    }
}
