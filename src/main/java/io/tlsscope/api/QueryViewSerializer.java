package io.tlsscope.api;

import static io.tlsscope.api.JsonFields.flag;
import static io.tlsscope.api.JsonFields.name;
import static io.tlsscope.api.JsonFields.number;
import static io.tlsscope.api.JsonFields.text;
import static io.tlsscope.api.JsonFields.texts;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.tlsscope.protocol.QueryEvent;
import java.io.IOException;

/**
 * Writes a {@link QueryView} field by field, in the record's order, as Jackson's record serializer
 * does (ViewSerializersTest compares the two byte for byte), without its per-component reflection:
 * the query stream and the Kafka statements topic render every decoded statement.
 */
public final class QueryViewSerializer extends StdSerializer<QueryView> {
    private static final SerializableString TYPE = name("type");
    private static final SerializableString TIME = name("time");
    private static final SerializableString HOST = name("host");
    private static final SerializableString CONNECTION = name("connection");
    private static final SerializableString ID = name("id");
    private static final SerializableString PID = name("pid");
    private static final SerializableString COMM = name("comm");
    private static final SerializableString PROTOCOL = name("protocol");
    private static final SerializableString SOURCE = name("source");
    private static final SerializableString DESTINATION = name("destination");
    private static final SerializableString USER = name("user");
    private static final SerializableString DATABASE = name("database");
    private static final SerializableString APPLICATION = name("application");
    private static final SerializableString SIDE = name("side");
    private static final SerializableString COMMAND = name("command");
    private static final SerializableString STATEMENT = name("statement");
    private static final SerializableString STATEMENT_BYTES = name("statementBytes");
    private static final SerializableString PARAMETERS = name("parameters");
    private static final SerializableString START = name("start");
    private static final SerializableString END = name("end");
    private static final SerializableString DURATION_MICROS = name("durationMicros");
    private static final SerializableString COMMAND_TAG = name("commandTag");
    private static final SerializableString ROWS = name("rows");
    private static final SerializableString ROWS_PARTIAL = name("rowsPartial");
    private static final SerializableString RESPONSE_BYTES_SKIPPED = name("responseBytesSkipped");
    private static final SerializableString COLUMNS = name("columns");
    private static final SerializableString COLUMNS_PARTIAL = name("columnsPartial");
    private static final SerializableString SQL_STATE = name("sqlState");
    private static final SerializableString ERROR_CODE = name("errorCode");
    private static final SerializableString ERROR = name("error");
    private static final SerializableString TRANSACTION_STATUS = name("transactionStatus");
    private static final SerializableString NOTICES = name("notices");
    private static final SerializableString COPY = name("copy");
    private static final SerializableString COPY_DIRECTION = name("direction");
    private static final SerializableString COPY_MESSAGES = name("messages");
    private static final SerializableString COPY_BYTES = name("bytes");

    public QueryViewSerializer() {
        super(QueryView.class);
    }

    @Override
    public void serialize(QueryView view, JsonGenerator out, SerializerProvider provider) throws IOException {
        out.writeStartObject();
        text(out, TYPE, view.type());
        text(out, TIME, view.time());
        JsonFields.host(out, HOST, view.host());
        connection(out, view.connection());
        text(out, SIDE, view.side());
        text(out, COMMAND, view.command());
        text(out, STATEMENT, view.statement());
        number(out, STATEMENT_BYTES, view.statementBytes());
        texts(out, PARAMETERS, view.parameters());
        text(out, START, view.start());
        text(out, END, view.end());
        number(out, DURATION_MICROS, view.durationMicros());
        text(out, COMMAND_TAG, view.commandTag());
        number(out, ROWS, view.rows());
        flag(out, ROWS_PARTIAL, view.rowsPartial());
        number(out, RESPONSE_BYTES_SKIPPED, view.responseBytesSkipped());
        texts(out, COLUMNS, view.columns());
        flag(out, COLUMNS_PARTIAL, view.columnsPartial());
        text(out, SQL_STATE, view.sqlState());
        number(out, ERROR_CODE, view.errorCode());
        text(out, ERROR, view.error());
        text(out, TRANSACTION_STATUS, view.transactionStatus());
        texts(out, NOTICES, view.notices());
        copy(out, view.copy());
        out.writeEndObject();
    }

    private static void connection(JsonGenerator out, QueryView.QueryConnection connection) throws IOException {
        if (connection != null) {
            out.writeFieldName(CONNECTION);
            out.writeStartObject();
            number(out, ID, connection.id());
            number(out, PID, connection.pid());
            text(out, COMM, connection.comm());
            text(out, PROTOCOL, connection.protocol());
            text(out, SOURCE, connection.source());
            text(out, DESTINATION, connection.destination());
            text(out, USER, connection.user());
            text(out, DATABASE, connection.database());
            text(out, APPLICATION, connection.application());
            out.writeEndObject();
        }
    }

    private static void copy(JsonGenerator out, QueryEvent.CopySummary copy) throws IOException {
        if (copy != null) {
            out.writeFieldName(COPY);
            out.writeStartObject();
            text(out, COPY_DIRECTION, copy.direction());
            number(out, COPY_MESSAGES, copy.messages());
            number(out, COPY_BYTES, copy.bytes());
            out.writeEndObject();
        }
    }
}
