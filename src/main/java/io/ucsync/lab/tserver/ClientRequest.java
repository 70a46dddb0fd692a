package io.ucsync.lab.tserver;

import io.ucsync.tlib.protocol.TlibMessage;

/** A request a client sent, with the ReferenceID its direct response carries back (src/main/docs/tlw1.md section 4). */
record ClientRequest(ClientSession session, TlibMessage message, int referenceId) {}
