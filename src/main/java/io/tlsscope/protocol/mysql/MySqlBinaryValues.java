package io.tlsscope.protocol.mysql;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Parameter values of the binary protocol (COM_STMT_EXECUTE, COM_STMT_BULK_EXECUTE) as text:
 * integers, floats, dates and times as SQL would print them, strings as UTF-8, blobs and bytes
 * that are not UTF-8 as 0x-prefixed hex. Type codes: MySQL documentation, "Binary Protocol Value"
 * (enum_field_types).
 */
final class MySqlBinaryValues {
    private static final int DECIMAL = 0x00, TINY = 0x01, SHORT = 0x02, LONG = 0x03, FLOAT = 0x04, DOUBLE = 0x05,
            NULL = 0x06, TIMESTAMP = 0x07, LONGLONG = 0x08, INT24 = 0x09, DATE = 0x0A, TIME = 0x0B, DATETIME = 0x0C,
            YEAR = 0x0D, BIT = 0x10, TINY_BLOB = 0xF9, MEDIUM_BLOB = 0xFA, LONG_BLOB = 0xFB, BLOB = 0xFC, GEOMETRY = 0xFF;
    /** Flag byte of a parameter type: the integer is unsigned. */
    static final int UNSIGNED = 0x80;

    /** Reads one value of the given type (low byte) and flags (high byte) from the reader. */
    static String read(MySqlReader in, int typeAndFlags) {
        int type = typeAndFlags & 0xFF;
        boolean unsigned = (typeAndFlags >> 8 & UNSIGNED) != 0;
        return switch (type) {
            case TINY -> unsigned ? Integer.toString(in.u8()) : Byte.toString((byte) in.u8());
            case SHORT, YEAR -> unsigned ? Integer.toString(in.u16()) : Short.toString((short) in.u16());
            case LONG, INT24 -> unsigned ? Long.toString(in.u32()) : Integer.toString((int) in.u32());
            case LONGLONG -> unsigned ? Long.toUnsignedString(in.u64()) : Long.toString(in.u64());
            case FLOAT -> Float.toString(in.float32());
            case DOUBLE -> Double.toString(in.float64());
            case NULL -> null;
            case DATE, DATETIME, TIMESTAMP -> dateTime(in);
            case TIME -> time(in);
            case DECIMAL -> new String(in.lengthEncodedBytes(), StandardCharsets.US_ASCII);
            case BIT, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB, GEOMETRY -> hex(in.lengthEncodedBytes());
            default -> text(in.lengthEncodedBytes());
        };
    }

    private static String dateTime(MySqlReader in) {
        int length = in.u8();
        if (length == 0) {
            return "0000-00-00 00:00:00";
        }
        String date = "%04d-%02d-%02d".formatted(in.u16(), in.u8(), in.u8());
        if (length < 7) {
            return date;
        }
        String time = "%s %02d:%02d:%02d".formatted(date, in.u8(), in.u8(), in.u8());
        return length < 11 ? time : "%s.%06d".formatted(time, in.u32());
    }

    private static String time(MySqlReader in) {
        int length = in.u8();
        if (length == 0) {
            return "00:00:00";
        }
        boolean negative = in.u8() == 1;
        long hours = in.u32() * 24 + in.u8();
        String time = "%s%02d:%02d:%02d".formatted(negative ? "-" : "", hours, in.u8(), in.u8());
        return length < 12 ? time : "%s.%06d".formatted(time, in.u32());
    }

    /** UTF-8 text when the bytes are valid UTF-8, else hex. */
    static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notText) {
            return hex(bytes);
        }
    }

    static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    private MySqlBinaryValues() {
    }
}
