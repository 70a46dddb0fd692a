package io.ucsync.presence;

/**
 * One {@code publication} of an MS-PRES category publish document, as the UC front-end emulator
 * receives it in a SERVICE request.
 *
 * @param sipUri        the publisher, {@code publications/@uri}
 * @param categoryName  the category, {@code state} for presence states
 * @param instance      the category instance id, an unsigned 32-bit number held in an int
 *                      (compare with {@link Integer#toUnsignedLong(int)} when it matters)
 * @param container     the container id (2 and 3 are the aggregation inputs, 100 to 400 the published views)
 * @param version       the version the publisher believes is current
 * @param expireType    endpoint, static, user or time; null when the publication names none (the server then uses endpoint)
 * @param expires       seconds for expireType time, or null
 * @param availability  the state's availability number, or null when there is no state (a removal, another category)
 * @param activityToken the state's activity token, or null
 */
public record StatePublication(
        String sipUri,
        String categoryName,
        int instance,
        int container,
        long version,
        String expireType,
        Integer expires,
        Integer availability,
        String activityToken) {

    /** A removal is a time-bound publication that expires now (MS-PRES: republish with expires 0). */
    public boolean isRemoval() {
        return "time".equals(expireType) && expires != null && expires == 0;
    }
}
