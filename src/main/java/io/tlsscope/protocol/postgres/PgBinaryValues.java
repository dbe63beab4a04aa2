package io.tlsscope.protocol.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Binary-format parameter values of common types, by type OID (pg_type.dat); others as hex. */
final class PgBinaryValues {
    private static final int BOOL = 16;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int VARCHAR = 1043;

    private PgBinaryValues() {
    }

    static String decode(int type, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        return switch (type) {
            case BOOL -> value.length == 1 ? String.valueOf(value[0] != 0) : PgSession.hex(value);
            case INT2 -> value.length == 2 ? String.valueOf(in.getShort()) : PgSession.hex(value);
            case INT4 -> value.length == 4 ? String.valueOf(in.getInt()) : PgSession.hex(value);
            case INT8 -> value.length == 8 ? String.valueOf(in.getLong()) : PgSession.hex(value);
            case FLOAT4 -> value.length == 4 ? String.valueOf(in.getFloat()) : PgSession.hex(value);
            case FLOAT8 -> value.length == 8 ? String.valueOf(in.getDouble()) : PgSession.hex(value);
            case TEXT, VARCHAR -> new String(value, StandardCharsets.UTF_8);
            default -> PgSession.hex(value);
        };
    }
}
