package io.tlsscope.capture;

import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.conn.TcpTuple;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The TCP 4-tuples of a decoder's records (struct tlsscope_tuple: family, ports in host order,
 * then the addresses). All records of a connection carry the same 40 bytes, so a tuple is built
 * once and shared (it is immutable), not built with its four address objects per record: recent
 * tuples are remembered by their bytes, read as five longs. Direct-mapped, so bounded at
 * {@link #SLOTS} tuples; connections sharing a slot only cost a build each. One decoder's, used on
 * its thread only.
 */
final class TcpTuples {
    private static final int SLOTS = 1024;
    private static final int FAMILY = KernelAbi.tupleOffset("family");
    private static final int SOURCE_PORT = KernelAbi.tupleOffset("source_port");
    private static final int DESTINATION_PORT = KernelAbi.tupleOffset("destination_port");
    private static final int SOURCE_ADDRESS = KernelAbi.tupleOffset("source_address");
    private static final int DESTINATION_ADDRESS = KernelAbi.tupleOffset("destination_address");
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private record Known(long head, long source0, long source1, long destination0, long destination1, TcpTuple tuple) {
    }

    private final Known[] slots = new Known[SLOTS];

    /** The tuple at record[offset...]; null when its family is neither IPv4 nor IPv6. */
    TcpTuple at(ByteBuffer record, int offset) {
        long head = record.getLong(offset); // family, ports and padding: the 8 bytes before the addresses
        long source0 = record.getLong(offset + SOURCE_ADDRESS);
        long source1 = record.getLong(offset + SOURCE_ADDRESS + Long.BYTES);
        long destination0 = record.getLong(offset + DESTINATION_ADDRESS);
        long destination1 = record.getLong(offset + DESTINATION_ADDRESS + Long.BYTES);
        long mixed = (((head * 31 + source0) * 31 + source1) * 31 + destination0) * 31 + destination1;
        int hash = Long.hashCode(mixed * 0x9E3779B97F4A7C15L);
        int slot = (hash ^ hash >>> 16) & (SLOTS - 1);
        Known known = slots[slot];
        if (known != null && known.head() == head && known.source0() == source0 && known.source1() == source1
                && known.destination0() == destination0 && known.destination1() == destination1) {
            return known.tuple();
        }
        TcpTuple tuple = build(record, offset);
        if (tuple != null) {
            slots[slot] = new Known(head, source0, source1, destination0, destination1, tuple);
        }
        return tuple;
    }

    private static TcpTuple build(ByteBuffer record, int offset) {
        int family = Short.toUnsignedInt(record.getShort(offset + FAMILY));
        int sourcePort = Short.toUnsignedInt(record.getShort(offset + SOURCE_PORT));
        int destinationPort = Short.toUnsignedInt(record.getShort(offset + DESTINATION_PORT));
        int addressLength = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
        if (addressLength == 0) {
            return null;
        }
        byte[] source = new byte[addressLength];
        byte[] destination = new byte[addressLength];
        record.get(offset + SOURCE_ADDRESS, source);
        record.get(offset + DESTINATION_ADDRESS, destination);
        try {
            return new TcpTuple(new InetSocketAddress(InetAddress.getByAddress(source), sourcePort),
                    new InetSocketAddress(InetAddress.getByAddress(destination), destinationPort));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("address of length " + addressLength + " rejected", impossible);
        }
    }
}
