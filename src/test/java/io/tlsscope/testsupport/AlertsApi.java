package io.tlsscope.testsupport;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The running service's alerts (GET /api/v1/alerts), inside a @QuarkusTest. */
public final class AlertsApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertsApi() {
    }

    /** Every alert kept, newest first. */
    public static List<JsonNode> all() {
        try {
            List<JsonNode> alerts = new ArrayList<>();
            JSON.readTree(given().queryParam("limit", 10000).get("/api/v1/alerts").then().statusCode(200).extract().asString())
                    .forEach(alerts::add);
            return alerts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> matching(Predicate<JsonNode> filter) {
        return all().stream().filter(filter).toList();
    }

    /** Alerts of rules on statements to the server on port (either end of the statement's connection). */
    public static Predicate<JsonNode> onPort(int port) {
        return alert -> alert.at("/query/connection/source").asText("").endsWith(":" + port)
                || alert.at("/query/connection/destination").asText("").endsWith(":" + port);
    }

    public static Predicate<JsonNode> rule(String rule) {
        return alert -> alert.path("rule").asText().equals(rule);
    }

    /** Waits until an alert matches, and returns it. */
    public static JsonNode await(Duration limit, String what, Predicate<JsonNode> filter) {
        Await.until(limit, what, () -> !matching(filter).isEmpty());
        return matching(filter).getFirst();
    }
}
