package io.tlsscope.conn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for /proc/PID/net/tcp and tcp6 (the tables of the process's own network namespace):
 * socket inode to its local and remote endpoint. Addresses are printed as 32-bit words in host
 * byte order (little endian here), ports in hex.
 */
public final class ProcNetTcp {

    private ProcNetTcp() {
    }

    /** Socket inode to 4-tuple for every TCP socket in pid's network namespace. */
    public static Map<Long, TcpTuple> socketsOf(Path procRoot, int pid) {
        Map<Long, TcpTuple> sockets = new HashMap<>();
        Path net = procRoot.resolve(Integer.toString(pid)).resolve("net");
        for (String table : List.of("tcp", "tcp6")) {
            try {
                sockets.putAll(parse(Files.readAllLines(net.resolve(table))));
            } catch (IOException | java.io.UncheckedIOException missingOrGone) {
                // no IPv6 in that namespace, or the process is gone: nothing to add
            }
        }
        return sockets;
    }

    public static Map<Long, TcpTuple> parse(List<String> lines) {
        Map<Long, TcpTuple> sockets = new HashMap<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10) {
                continue;
            }
            long inode = Long.parseLong(fields[9]);
            if (inode != 0) {
                sockets.put(inode, new TcpTuple(endpoint(fields[1]), endpoint(fields[2])));
            }
        }
        return sockets;
    }

    /** "0100007F:1538" (IPv4) or 32 hex digits (IPv6) ":" port. */
    static InetSocketAddress endpoint(String field) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        int port = Integer.parseInt(field.substring(colon + 1), 16);
        byte[] address = new byte[hex.length() / 2];
        // each 8-hex-digit word is a little-endian u32: reverse the bytes inside every word
        for (int word = 0; word < address.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int hexIndex = (word * 4 + (3 - i)) * 2;
                address[word * 4 + i] = (byte) Integer.parseInt(hex.substring(hexIndex, hexIndex + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in /proc/net/tcp: " + field, e);
        }
    }
}
