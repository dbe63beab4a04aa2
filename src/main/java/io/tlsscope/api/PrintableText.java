package io.tlsscope.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
        if (isAscii(data)) {
            return ascii(data);
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
            if (decoded.codePoints().allMatch(PrintableText::isPrintable)) {
                return new Rendering(decoded, true);
            }
        } catch (CharacterCodingException notUtf8) {
            // fall through to the byte-wise rendering
        }
        return byteWise(data);
    }

    private static boolean isAscii(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * ASCII is valid UTF-8 decoding to the same characters, so the rendering is the same as the
     * general path's, without decoding: exact when every byte is printable, else byte-wise.
     */
    private static Rendering ascii(byte[] data) {
        for (byte b : data) {
            if (!isPrintable(b)) {
                return byteWise(data);
            }
        }
        return new Rendering(new String(data, StandardCharsets.US_ASCII), true);
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
