package io.tlsscope.conn;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A TCP connection seen from one of its sockets: source is the local end, destination the remote.
 */
public record TcpTuple(InetSocketAddress source, InetSocketAddress destination) {

    /** "127.0.0.1:5432" style, with IPv6 addresses in brackets. */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet4Address) { // one concatenation, not getHostAddress's builder and a second string: every event shows its tuple
            byte[] octets = ip.getAddress();
            return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[3] & 0xff) + ":" + address.getPort();
        }
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return format(source) + " -> " + format(destination);
    }
}
