package io.tlsscope.conn;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A TCP connection seen from one of its sockets: source is the local end, destination the remote.
 */
public record TcpTuple(InetSocketAddress source, InetSocketAddress destination) {

    /** "127.0.0.1:5432" style, with IPv6 addresses in brackets. */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return format(source) + " -> " + format(destination);
    }
}
