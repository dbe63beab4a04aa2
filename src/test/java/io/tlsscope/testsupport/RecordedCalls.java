package io.tlsscope.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.protocol.ProtocolSession;
import io.tlsscope.protocol.QueryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * SSL calls tlsscope captured from a real session (one JSON object per line, as recorded from the
 * SSE stream by scripts/record-fixture.py: ssl, direction, base64), replayed into protocol decoders.
 */
public final class RecordedCalls {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    /** One captured SSL call. */
    public record Call(String connection, boolean write, byte[] data) {
    }

    private RecordedCalls() {
    }

    /** The calls of fixtures/{name}.jsonl, in capture order. */
    public static List<Call> load(String name) {
        ObjectMapper json = new ObjectMapper();
        List<Call> calls = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(FIXTURES.resolve(name + ".jsonl"))) {
                JsonNode event = json.readTree(line);
                calls.add(new Call(event.get("ssl").asText(), event.get("direction").asText().equals("write"),
                        java.util.Base64.getDecoder().decode(event.get("base64").asText())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name, e);
        }
        return calls;
    }

    /**
     * Feeds every call to a decoder per connection, cut into pieces of pieceSize bytes (0: whole
     * calls), and returns the events they produced.
     *
     * @param side "client" when the recording is the client's (its writes are frontend bytes), else "server"
     */
    public static List<QueryEvent> replay(String name, String side, int pieceSize,
                                          Function<Consumer<QueryEvent>, ProtocolSession> decoder) {
        List<QueryEvent> events = new ArrayList<>();
        Map<String, ProtocolSession> sessions = new LinkedHashMap<>();
        for (Call call : load(name)) {
            ProtocolSession session = sessions.computeIfAbsent(call.connection(), key -> decoder.apply(events::add));
            boolean frontendBytes = call.write() == side.equals("client");
            for (byte[] piece : pieces(call.data(), pieceSize)) {
                if (frontendBytes) {
                    session.frontend(piece, Instant.EPOCH);
                } else {
                    session.backend(piece, Instant.EPOCH);
                }
            }
        }
        return events;
    }

    /**
     * Feeds every call to a decoder per connection as the kernel's response budget would let it
     * through (plan_capture in tlsscope.bpf.c): answer bytes whole up to budget per exchange (a
     * frontend call starts a new one), beyond it each answer call's head within the budget and its
     * last tail bytes, the bytes between given as skipped.
     */
    public static List<QueryEvent> replayBudgeted(String name, String side, int budget, int tail,
                                                  Function<Consumer<QueryEvent>, ProtocolSession> decoder) {
        List<QueryEvent> events = new ArrayList<>();
        Map<String, ProtocolSession> sessions = new LinkedHashMap<>();
        Map<String, Long> answered = new HashMap<>();
        for (Call call : load(name)) {
            ProtocolSession session = sessions.computeIfAbsent(call.connection(), key -> decoder.apply(events::add));
            byte[] data = call.data();
            if (call.write() == side.equals("client")) {
                answered.put(call.connection(), 0L);
                session.frontend(data, Instant.EPOCH);
                continue;
            }
            long used = answered.merge(call.connection(), (long) data.length, Long::sum) - data.length;
            if (used + data.length <= budget) {
                session.backend(data, Instant.EPOCH);
                continue;
            }
            int head = (int) Math.max(0, Math.min(data.length, budget - used));
            int last = Math.min(tail, data.length - head);
            if (head > 0) {
                session.backend(Arrays.copyOf(data, head), Instant.EPOCH);
            }
            session.tail(false, data.length - head - last, Arrays.copyOfRange(data, data.length - last, data.length), Instant.EPOCH);
        }
        return events;
    }

    public static List<byte[]> pieces(byte[] data, int size) {
        if (size <= 0) {
            return List.of(data);
        }
        List<byte[]> pieces = new ArrayList<>();
        for (int start = 0; start < data.length; start += size) {
            pieces.add(Arrays.copyOfRange(data, start, Math.min(data.length, start + size)));
        }
        return pieces;
    }
}
