package io.tlsscope.api.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Requests for one operation of openapi/openapi.json, generated from what the document says of its
 * parameters and body: valid values (enum members, numbers inside their bounds, known inodes and
 * layout names the live service reported), boundary values (the bounds, one past them, the limits
 * of int64 and past them), and malformed ones (wrong types, empty, unicode, control characters,
 * broken JSON, missing and extra fields, wrong content types). Driven by one seeded Random, so a
 * failing request is reproduced by its seed.
 *
 * @param knownInodes inodes the service reported (GET /api/v1/libraries), so that valid paths reach the handler
 * @param knownNames  names the service accepts in bodies (GET /api/v1/layouts)
 */
record HostileRequests(Random random, List<Long> knownInodes, List<String> knownNames) {
    /** One request: what to send, before the token. */
    record Request(String method, String path, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return method + " " + path + " " + headers + (body == null ? "" : " body " + abbreviate(body));
        }
    }

    private static final List<String> MALFORMED_STRINGS = List.of("", " ", "abc", "1.5", "0x10", "-", "+1", "1e3", "NaN",
            "true", "null", "[]", "{}", "é", "\u00e9\u4e2d\ud83d\ude00", "\u0000", "\t", "%", "../../etc/passwd",
            "' OR 1=1 --", "<script>", "9".repeat(40));
    private static final List<String> BOUNDARY_NUMBERS = List.of("0", "-1", "1", "65535", "65536", "2147483647",
            "2147483648", "-2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "00001", "1 ");

    Request next(String method, String template, JsonNode operation) {
        String path = template;
        List<String> query = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (JsonNode parameter : operation.path("parameters")) {
            String name = parameter.path("name").asText();
            String where = parameter.path("in").asText();
            boolean include = where.equals("path") || random.nextInt(3) == 0;
            if (!include) {
                continue;
            }
            String value = value(parameter.path("schema"));
            if (where.equals("path") && value.isBlank()) {
                value = "%20"; // an empty segment is another path, not this operation with an empty value
            }
            switch (where) {
                case "path" -> path = path.replace("{" + name + "}", value.equals("%20") ? value : encode(value).replace("+", "%20"));
                case "query" -> query.add(encode(name) + "=" + encode(value));
                case "header" -> headers.put(name, headerSafe(value));
                default -> throw new IllegalStateException("parameter in " + where);
            }
        }
        if (random.nextInt(8) == 0) {
            query.add("unknown" + random.nextInt(3) + "=" + encode(pick(MALFORMED_STRINGS)));
        }
        if (!query.isEmpty()) {
            path += "?" + String.join("&", query);
        }
        String body = null;
        if (operation.has("requestBody")) {
            body = body(operation.path("requestBody").path("content").path("application/json").path("schema"));
            headers.put("Content-Type", contentType());
        }
        return new Request(method, path, headers, body);
    }

    /** A parameter value: one time in three valid, boundary or malformed. */
    private String value(JsonNode schema) {
        return switch (random.nextInt(3)) {
            case 0 -> valid(schema);
            case 1 -> schema.path("type").asText().equals("integer") ? pick(BOUNDARY_NUMBERS) : boundaryString(schema);
            default -> pick(MALFORMED_STRINGS);
        };
    }

    private String valid(JsonNode schema) {
        if (schema.has("enum")) {
            return schema.path("enum").get(random.nextInt(schema.path("enum").size())).asText();
        }
        if (schema.path("type").asText().equals("integer")) {
            if (!knownInodes.isEmpty() && schema.path("format").asText().equals("int64") && random.nextBoolean()) {
                return Long.toString(pick(knownInodes));
            }
            long min = schema.has("minimum") ? schema.path("minimum").asLong()
                    : schema.has("exclusiveMinimum") ? schema.path("exclusiveMinimum").asLong() + 1 : 0;
            long max = schema.has("maximum") ? schema.path("maximum").asLong() : min + 1_000_000;
            return Long.toString(min + (long) (random.nextDouble() * (max - min)));
        }
        return randomText(1 + random.nextInt(20));
    }

    private String boundaryString(JsonNode schema) {
        int maxLength = schema.path("maxLength").asInt(1024);
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> "x".repeat(maxLength);
            case 2 -> "x".repeat(maxLength + 1);
            default -> randomText(maxLength / 4 + 1);
        };
    }

    /** A body for the schema: valid, with a field missing, extra or of the wrong type, or not JSON at all. */
    private String body(JsonNode schemaRef) {
        boolean isHooks = schemaRef.path("$ref").asText().endsWith("HooksRequest");
        String field = isHooks ? "enabled" : "layout";
        String validValue = isHooks ? Boolean.toString(random.nextBoolean())
                : "\"" + (knownNames.isEmpty() || random.nextInt(3) == 0 ? randomText(8) : pick(knownNames)) + "\"";
        return switch (random.nextInt(10)) {
            case 0, 1 -> "{\"" + field + "\": " + validValue + "}";
            case 2 -> "{}";
            case 3 -> "{\"" + field + "\": " + validValue + ", \"extra\": " + pick(List.of("1", "\"x\"", "null", "[1,2]", "{}")) + "}";
            case 4 -> "{\"" + field + "\": " + pick(List.of("\"yes\"", "1", "0", "null", "[]", "{}", "\"\"", "1e400",
                    "-0", "\"\\u0000\"", "\"" + "x".repeat(100_000) + "\"", "99999999999999999999999")) + "}";
            case 5 -> pick(List.of("", "{", "}", "{\"" + field + "\"", "nul", "[]", "\"text\"", "123", "{\"a\":}", "\u0000",
                    "{\"" + field + "\": tru}", "\ufeff{\"" + field + "\": " + validValue + "}"));
            case 6 -> "[" + "{\"" + field + "\": " + validValue + "}" + "]";
            case 7 -> "{\"" + field + "\": " + validValue + ", \"" + field + "\": " + validValue + "}";
            case 8 -> "{\"" + "\u00e9\ud83d\ude00" + "\": " + validValue + "}";
            default -> "{" + "\"a\":{".repeat(2000) + "}".repeat(2001); // deep nesting
        };
    }

    private String contentType() {
        return switch (random.nextInt(8)) {
            case 0 -> "text/plain";
            case 1 -> "application/xml";
            case 2 -> "application/json; charset=ISO-8859-1";
            case 3 -> "application/x-www-form-urlencoded";
            default -> "application/json";
        };
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> 0x20 + random.nextInt(0x5f);
                case 2 -> 0xa0 + random.nextInt(0x2000);
                default -> 0x1f300 + random.nextInt(0x100);
            });
        }
        return text.toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Headers cannot carry control characters or non-ASCII in the JDK client: those go as their escapes. */
    private static String headerSafe(String value) {
        StringBuilder safe = new StringBuilder();
        for (Iterator<Integer> it = value.codePoints().iterator(); it.hasNext(); ) {
            int c = it.next();
            safe.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : "\\u" + Integer.toHexString(c));
        }
        return safe.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " chars)";
    }
}
