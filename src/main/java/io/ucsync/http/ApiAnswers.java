package io.ucsync.http;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * How the HTTP API answers: a {@link RequestRefused} as its status and {@code {"error": reason}} (the API's route
 * configuration calls {@link #refusal}), and no header of the request echoed in the answer: only the headers an API
 * answer needs go out (the platform-http endpoints of the API use this as their header filter strategy).
 */
public final class ApiAnswers extends DefaultHeaderFilterStrategy {

    /** The headers an answer may carry; every other header on the exchange stays inside. */
    private static final Set<String> ANSWER_HEADERS =
            Set.of("content-type", "set-cookie", "retry-after", "cache-control", "location");

    public ApiAnswers() {
        setOutFilterStartsWith((String[]) null);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ANSWER_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /** The answer to a refused request: its status, its headers (Retry-After) and its reason as JSON. */
    public void refusal(Exchange exchange) {
        RequestRefused refused = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RequestRefused.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*", "Camel*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, refused.status());
        refused.headers().forEach(message::setHeader);
        message.setBody(Map.of("error", refused.getMessage()));
    }
}
