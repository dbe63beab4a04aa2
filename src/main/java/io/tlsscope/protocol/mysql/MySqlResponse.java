package io.tlsscope.protocol.mysql;

import static io.tlsscope.protocol.mysql.MySqlProtocol.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the server's answer to one command, packet by packet: OK, ERR, a result set (column
 * count, column definitions, EOF unless CLIENT_DEPRECATE_EOF, rows, terminator; more result sets
 * while SERVER_MORE_RESULTS_EXISTS), a COM_STMT_PREPARE answer (statement id, then parameter and
 * column definitions), LOCAL INFILE, or an authentication exchange. Column definitions and rows are
 * counted, never kept. Sequence ids restart at 1 with every new answer, which also tells where an
 * answer ended when the EOF convention is not known (connections first seen after their login).
 */
final class MySqlResponse {
    private enum State { FIRST, AUTH, COLUMNS, COLUMNS_EOF, ROWS, PREPARE_DEFINITIONS, LOCAL_INFILE }

    /** COM_STATISTICS answers with one bare string packet. */
    private static final int COM_STATISTICS = 0x09;
    /** Payloads shorter than this that start with 0xFE end a result set (a row would be longer). */
    private static final int TERMINATOR_LIMIT = 0xFFFFFF;

    private final int command;
    private State state;
    private long definitionsLeft;
    private int lastSequence = -1;
    /** Whether the EOF after column definitions was a guess (EOF convention unknown). */
    private boolean guessedIntermediateEof;
    private long rows;
    private boolean rowsKnown;
    private Integer errorCode;
    private String sqlState;
    private String errorMessage;
    private int statusFlags = -1;
    private long preparedId = -1;
    private int preparedParameters;
    private Boolean learnedDeprecateEof;
    /** Names of the first result set's columns; null until column definitions arrive. */
    private List<String> columns;
    private boolean firstResultDone;
    private boolean resultSet;
    /** COM_STMT_PREPARE answer: definitions seen so far, and where the column definitions start. */
    private int definitionsSeen;
    private int preparedColumnsStart;
    private int preparedColumns;
    /** Bytes of the answer the response budget skipped. */
    private long skippedBytes;
    /** Whether rows went by uncounted (the budget skipped packet boundaries): rows is a lower bound. */
    private boolean rowsPartial;
    /** Whether column definitions went by unread (the budget skipped packet boundaries among them). */
    private boolean columnsPartial;

    MySqlResponse(int command) {
        this.command = command;
        this.state = command == MySqlCommand.LOGIN || command == COM_CHANGE_USER ? State.AUTH : State.FIRST;
    }

    /** Takes the next packet of the answer; deprecateEof is null while the convention is unknown. */
    MySqlCommand.Step accept(MySqlStream.Packet packet, Boolean deprecateEof) {
        boolean continuing = lastSequence >= 0 && (lastSequence + 1 & 0xFF) != 1;
        if (continuing && packet.sequence() == 1) {
            return MySqlCommand.Step.RESTART;
        }
        lastSequence = packet.sequence();
        byte[] payload = packet.payload();
        int head = payload.length == 0 ? -1 : payload[0] & 0xFF;
        return switch (state) {
            case AUTH -> head == OK ? ok(payload) : head == ERR ? error(payload) : MySqlCommand.Step.MORE;
            case LOCAL_INFILE -> head == OK ? ok(payload) : head == ERR ? error(payload) : MySqlCommand.Step.MORE;
            case FIRST -> first(payload, head, deprecateEof);
            case COLUMNS -> {
                columnName(payload);
                if (--definitionsLeft == 0) {
                    state = State.COLUMNS_EOF;
                }
                yield MySqlCommand.Step.MORE;
            }
            case COLUMNS_EOF -> afterColumns(packet, head, deprecateEof);
            case ROWS -> row(packet, head, deprecateEof);
            case PREPARE_DEFINITIONS -> {
                int index = definitionsSeen++;
                if (index >= preparedColumnsStart && index < preparedColumnsStart + preparedColumns) {
                    columnName(payload);
                }
                yield --definitionsLeft == 0 ? MySqlCommand.Step.DONE : MySqlCommand.Step.MORE;
            }
        };
    }

    private MySqlCommand.Step first(byte[] payload, int head, Boolean deprecateEof) {
        if (head == ERR) {
            return error(payload);
        }
        if (command == COM_STATISTICS) {
            return MySqlCommand.Step.DONE;
        }
        if (head == OK && command == COM_STMT_PREPARE) {
            return prepared(payload, deprecateEof);
        }
        if (head == OK && payload.length >= 7) {
            return ok(payload);
        }
        if (head == EOF && payload.length < 9) {
            MySqlReader in = new MySqlReader(payload);
            in.skip(1 + 2); // header, warnings
            statusFlags = in.remaining() >= 2 ? in.u16() : -1;
            return MySqlCommand.Step.DONE;
        }
        if (head == LOCAL_INFILE) {
            state = State.LOCAL_INFILE;
            return MySqlCommand.Step.MORE;
        }
        MySqlReader in = new MySqlReader(payload);
        long columns = in.lengthEncoded();
        boolean metadataFollows = in.remaining() == 0 || in.u8() == 1; // MariaDB CACHE_METADATA flag
        definitionsLeft = metadataFollows ? columns : 0;
        resultSet = true;
        state = definitionsLeft > 0 ? State.COLUMNS : State.COLUMNS_EOF;
        rowsKnown = true;
        return MySqlCommand.Step.MORE;
    }

    /** COM_STMT_PREPARE_OK: statement id, columns, parameters; their definitions follow. */
    private MySqlCommand.Step prepared(byte[] payload, Boolean deprecateEof) {
        MySqlReader in = new MySqlReader(payload);
        in.skip(1);
        preparedId = in.u32();
        int columns = in.u16();
        preparedParameters = in.u16();
        boolean eofs = !Boolean.TRUE.equals(deprecateEof);
        preparedColumnsStart = preparedParameters + (eofs && preparedParameters > 0 ? 1 : 0);
        preparedColumns = columns;
        definitionsLeft = preparedColumnsStart + columns + (eofs && columns > 0 ? 1 : 0);
        state = State.PREPARE_DEFINITIONS;
        return definitionsLeft == 0 ? MySqlCommand.Step.DONE : MySqlCommand.Step.MORE;
    }

    private MySqlCommand.Step afterColumns(MySqlStream.Packet packet, int head, Boolean deprecateEof) {
        state = State.ROWS;
        boolean terminator = isTerminator(packet, head);
        if (Boolean.TRUE.equals(deprecateEof) || !terminator) {
            if (deprecateEof == null && !terminator) {
                learnedDeprecateEof = true; // a row right after the definitions: no EOF between
            }
            return row(packet, head, deprecateEof);
        }
        guessedIntermediateEof = deprecateEof == null;
        return MySqlCommand.Step.MORE; // the EOF between definitions and rows
    }

    private MySqlCommand.Step row(MySqlStream.Packet packet, int head, Boolean deprecateEof) {
        byte[] payload = packet.payload();
        if (head == ERR) {
            return error(payload);
        }
        if (isTerminator(packet, head)) {
            if (guessedIntermediateEof) {
                learnedDeprecateEof = false;
                guessedIntermediateEof = false;
            }
            MySqlReader in = new MySqlReader(payload);
            in.skip(1);
            boolean eofFormat = Boolean.FALSE.equals(deprecateEof) || deprecateEof == null && packet.length() == 5;
            if (eofFormat) {
                in.skip(2); // warnings
            } else {
                in.lengthEncoded(); // affected rows
                in.lengthEncoded(); // last insert id
            }
            statusFlags = in.u16();
            return moreResults();
        }
        rows++;
        return MySqlCommand.Step.MORE;
    }

    /** OK_Packet: affected rows, last insert id, status flags. */
    private MySqlCommand.Step ok(byte[] payload) {
        MySqlReader in = new MySqlReader(payload);
        in.skip(1);
        long affected = in.lengthEncoded();
        in.lengthEncoded();
        statusFlags = in.u16();
        if (state != State.AUTH) {
            rows += affected;
            rowsKnown = true;
        }
        return moreResults();
    }

    /** ColumnDefinition41: catalog, schema, table, original table, then the column's name. */
    private void columnName(byte[] payload) {
        if (firstResultDone) {
            return;
        }
        if (columns == null) {
            columns = new ArrayList<>();
        }
        MySqlReader in = new MySqlReader(payload);
        for (int skipped = 0; skipped < 4; skipped++) {
            in.lengthEncodedBytes();
        }
        columns.add(new String(in.lengthEncodedBytes(), StandardCharsets.UTF_8));
    }

    private MySqlCommand.Step moreResults() {
        firstResultDone = columns != null;
        if ((statusFlags & SERVER_MORE_RESULTS_EXISTS) != 0 && state != State.AUTH) {
            state = State.FIRST;
            return MySqlCommand.Step.MORE;
        }
        return MySqlCommand.Step.DONE;
    }

    /** ERR_Packet: code, '#' and SQL state (protocol 4.1), message. MariaDB progress reports are skipped. */
    private MySqlCommand.Step error(byte[] payload) {
        MySqlReader in = new MySqlReader(payload);
        in.skip(1);
        int code = in.u16();
        if (code == PROGRESS_REPORT) {
            return MySqlCommand.Step.MORE;
        }
        errorCode = code;
        if (in.remaining() > 0 && payload[in.position()] == '#') {
            in.skip(1);
            sqlState = new String(in.bytes(5), StandardCharsets.US_ASCII);
        }
        errorMessage = in.rest();
        return MySqlCommand.Step.DONE;
    }

    private static boolean isTerminator(MySqlStream.Packet packet, int head) {
        return head == EOF && packet.length() < TERMINATOR_LIMIT;
    }

    /** Rows returned or affected, when the answer said. */
    /** The response budget skipped bytes of this answer. */
    void skipped(long bytes) {
        skippedBytes += bytes;
    }

    /**
     * The stream resumes at the packets that end this answer, after bytes whose packet boundaries
     * are unknown: in a result set they were rows (or the rest of the definitions), uncounted.
     */
    void resumeAtEnd() {
        lastSequence = -1; // the sequence ids in between are unknown: no restart is implied
        if (resultSet) {
            columnsPartial |= state == State.COLUMNS && !firstResultDone;
            state = State.ROWS;
            guessedIntermediateEof = false;
            rowsPartial = true;
        }
    }

    long skippedBytes() {
        return skippedBytes;
    }

    boolean rowsPartial() {
        return rowsPartial;
    }

    boolean columnsPartial() {
        return columnsPartial;
    }

    Long rows() {
        return rowsKnown ? rows : null;
    }

    Integer errorCode() {
        return errorCode;
    }

    String sqlState() {
        return sqlState;
    }

    String errorMessage() {
        return errorMessage;
    }

    /** Server status flags of the last OK/EOF, or -1. */
    int statusFlags() {
        return statusFlags;
    }

    long preparedId() {
        return errorCode == null ? preparedId : -1;
    }

    int preparedParameters() {
        return preparedParameters;
    }

    /** Whether the answer was a result set (its column definitions may have been left out: MariaDB metadata cache). */
    boolean resultSet() {
        return resultSet;
    }

    /** Column names: of the first result set, or of a prepared statement's result. */
    List<String> columns() {
        return columns == null ? null : List.copyOf(columns);
    }

    Boolean learnedDeprecateEof() {
        return learnedDeprecateEof;
    }
}
