package io.tlsscope.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text rendering of captured bytes for people reading the stream: database protocols mix binary
 * headers with statement text, so a chunk that is mostly printable is shown with its unprintable
 * bytes as '.', and flagged as exact only when nothing was replaced.
 */
final class PrintableText {
    /** Share of printable bytes from which a chunk is worth showing as text. */
    private static final double MOSTLY_PRINTABLE = 0.75;

    record Rendering(String text, boolean exact) {
    }

    private PrintableText() {
    }

    /** The rendering, or null when the bytes are mostly binary. */
    static Rendering of(byte[] data) {
        if (data.length == 0) {
            return new Rendering("", true);
        }
        boolean ascii = true;
        for (byte b : data) {
            if (b >= 0 && !isPrintable(b)) {
                // a control character: whether the bytes decode as UTF-8 or not, the text is not exact
                // (database protocols' length fields and terminators land here, so no decoder runs for them)
                return byteWise(data);
            }
            ascii &= b >= 0;
        }
        if (ascii) {
            return new Rendering(new String(data, StandardCharsets.US_ASCII), true);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer decoded = CharBuffer.allocate(data.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(ByteBuffer.wrap(data), decoded, true); // a result, not a thrown exception per chunk
        if (!result.isError() && !decoder.flush(decoded).isError()) {
            String text = decoded.flip().toString();
            if (text.codePoints().allMatch(PrintableText::isPrintable)) {
                return new Rendering(text, true);
            }
        }
        return byteWise(data);
    }

    private static Rendering byteWise(byte[] data) {
        StringBuilder text = new StringBuilder(data.length);
        int printable = 0;
        for (byte b : data) {
            int c = Byte.toUnsignedInt(b);
            if (c < 0x80 && isPrintable(c)) {
                text.append((char) c);
                printable++;
            } else {
                text.append('.');
            }
        }
        return printable >= data.length * MOSTLY_PRINTABLE ? new Rendering(text.toString(), false) : null;
    }

    private static boolean isPrintable(int codePoint) {
        return codePoint == '\n' || codePoint == '\r' || codePoint == '\t'
                || (codePoint >= 0x20 && codePoint != 0x7f && !Character.isISOControl(codePoint));
    }
}
