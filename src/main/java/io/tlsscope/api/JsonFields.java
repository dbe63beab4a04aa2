package io.tlsscope.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.tlsscope.host.HostIdentity;
import java.io.IOException;
import java.util.List;

/**
 * Field writers for the hand-written serializers of the stream's views ({@link EventViewSerializer},
 * {@link QueryViewSerializer}). They follow the service's Jackson setting
 * (quarkus.jackson.serialization-inclusion=non-null): a null field is left out, at every depth.
 * Names are {@link SerializedString}s, whose quoted UTF-8 form Jackson keeps after first use.
 */
final class JsonFields {
    private static final SerializableString HOST_ID = new SerializedString("id");
    private static final SerializableString HOST_NAME = new SerializedString("name");

    private JsonFields() {
    }

    static SerializableString name(String name) {
        return new SerializedString(name);
    }

    static void text(JsonGenerator out, SerializableString name, String value) throws IOException {
        if (value != null) {
            out.writeFieldName(name);
            out.writeString(value);
        }
    }

    static void number(JsonGenerator out, SerializableString name, long value) throws IOException {
        out.writeFieldName(name);
        out.writeNumber(value);
    }

    /** A Long or Integer field; the view's whole numbers all fit a long. */
    static void number(JsonGenerator out, SerializableString name, Number value) throws IOException {
        if (value != null) {
            number(out, name, value.longValue());
        }
    }

    static void flag(JsonGenerator out, SerializableString name, boolean value) throws IOException {
        out.writeFieldName(name);
        out.writeBoolean(value);
    }

    static void flag(JsonGenerator out, SerializableString name, Boolean value) throws IOException {
        if (value != null) {
            flag(out, name, value.booleanValue());
        }
    }

    /** A list of texts; a null element is written as null, as Jackson writes it. */
    static void texts(JsonGenerator out, SerializableString name, List<String> values) throws IOException {
        if (values != null) {
            out.writeFieldName(name);
            out.writeStartArray();
            for (String value : values) {
                out.writeString(value);
            }
            out.writeEndArray();
        }
    }

    static void host(JsonGenerator out, SerializableString name, HostIdentity host) throws IOException {
        if (host != null) {
            out.writeFieldName(name);
            out.writeStartObject();
            text(out, HOST_ID, host.id());
            text(out, HOST_NAME, host.name());
            out.writeEndObject();
        }
    }
}
