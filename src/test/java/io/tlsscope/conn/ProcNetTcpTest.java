package io.tlsscope.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads this JVM's own real sockets back through /proc, as the seeding does for traced processes. */
class ProcNetTcpTest {
    private static final Path PROC = Path.of("/proc");
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void findsTheTupleOfAnOpenIpv4ConnectionByItsFd() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel client = SocketChannel.open(listener.getLocalSocketAddress());
             Socket accepted = listener.accept()) {
            Map<Integer, Long> socketFds = SocketFds.of(PROC, SELF);
            Map<Long, TcpTuple> tcp = ProcNetTcp.socketsOf(PROC, SELF);
            InetSocketAddress local = (InetSocketAddress) client.getLocalAddress();

            TcpTuple clientSide = socketFds.values().stream().map(tcp::get)
                    .filter(tuple -> tuple != null && tuple.source().equals(local))
                    .findFirst().orElseThrow(() -> new AssertionError("client socket " + local + " not found via /proc"));
            assertThat(clientSide.destination()).isEqualTo(listener.getLocalSocketAddress());
            TcpTuple serverSide = socketFds.values().stream().map(tcp::get)
                    .filter(tuple -> tuple != null && tuple.destination().equals(local))
                    .findFirst().orElseThrow(() -> new AssertionError("accepted socket not found via /proc"));
            assertThat(serverSide.source()).isEqualTo(accepted.getLocalSocketAddress());
        }
    }

    @Test
    void decodesIpv6Endpoints() throws IOException {
        InetAddress loopback6 = InetAddress.getByName("::1");
        try (ServerSocket listener = new ServerSocket(0, 1, loopback6)) {
            InetSocketAddress bound = (InetSocketAddress) listener.getLocalSocketAddress();
            assertThat(ProcNetTcp.socketsOf(PROC, SELF).values())
                    .anySatisfy(tuple -> assertThat(tuple.source()).isEqualTo(bound));
        }
    }
}
