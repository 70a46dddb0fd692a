package io.ucsync.sip;

/**
 * The front end's answer to a publication.
 *
 * @param statusCode   the SIP status code of the final answer (2xx), or 0 when nothing had to be sent (removing
 *                     a SIMPLE publication that does not exist)
 * @param reasonPhrase its reason phrase
 * @param tag          SIMPLE: the publication's current SIP-ETag (null once removed); MS-PRES: the category
 *                     version the next publication for the worker will carry
 */
public record PublicationResult(int statusCode, String reasonPhrase, String tag) {}
