package io.tlsscope.protocol.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fuzz input read as a sequence of SSL calls: per call one flag byte (bit 0: frontend, i.e.
 * bytes the client sent; bit 1: the bytes are a tail after bytes the response budget skipped, as
 * many as bits 2-7 times 251, plus one), a 2-byte big-endian length and that many bytes (the last
 * call takes what is left). Seeds in this format are made from the recorded fixtures by scripts/fuzz-seeds.py, so
 * the fuzzer starts from real sessions and mutates lengths, splits and contents from there.
 */
record CallScript(List<Call> calls) {

    /** One SSL call; skippedBefore > 0: its data is the call's tail, after that many skipped bytes. */
    record Call(boolean frontend, long skippedBefore, byte[] data) {
    }

    static CallScript parse(byte[] input) {
        List<Call> calls = new ArrayList<>();
        int at = 0;
        while (at + 3 <= input.length) {
            boolean frontend = (input[at] & 1) != 0;
            long skipped = (input[at] & 2) == 0 ? 0 : ((input[at] & 0xFF) >> 2) * 251L + 1;
            int length = (input[at + 1] & 0xFF) << 8 | input[at + 2] & 0xFF;
            int end = Math.min(input.length, at + 3 + length);
            calls.add(new Call(frontend, skipped, Arrays.copyOfRange(input, at + 3, end)));
            at = end;
        }
        return new CallScript(calls);
    }
}
