package io.tlsscope.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Where credentials show up in what the service gives out: the captured bytes of raw events (their
 * base64 decoded), the JSON of every event (query events' statements, parameters, users), and log
 * lines; each secret as its bytes, and also as hex.
 */
final class SecretSearch {
    private SecretSearch() {
    }

    /** Descriptions of every place a secret was found; empty when none leaked. */
    static List<String> leaks(List<byte[]> secrets, List<JsonNode> events, List<String> logLines) {
        List<String> found = new ArrayList<>();
        for (byte[] secret : secrets) {
            String text = new String(secret, StandardCharsets.ISO_8859_1);
            String hex = HexFormat.of().formatHex(secret);
            for (JsonNode event : events) {
                String json = event.toString();
                if (captured(event).contains(text) || json.contains(text) || json.toLowerCase().contains(hex)) {
                    found.add("event " + json);
                }
            }
            for (String line : logLines) {
                if (line.contains(text) || line.toLowerCase().contains(hex)) {
                    found.add("log line " + line);
                }
            }
        }
        return found;
    }

    /** A raw event's captured bytes as text (one char per byte); empty for other events. */
    static String captured(JsonNode event) {
        return event.has("base64")
                ? new String(Base64.getDecoder().decode(event.get("base64").asText()), StandardCharsets.ISO_8859_1)
                : "";
    }
}
