package io.tlsscope.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TcpTupleTest {

    @Test
    void ipv4AsDottedOctetsWithThePort() {
        assertThat(TcpTuple.format(new InetSocketAddress("10.200.0.255", 5432))).isEqualTo("10.200.0.255:5432");
        assertThat(TcpTuple.format(new InetSocketAddress("0.0.0.0", 0))).isEqualTo("0.0.0.0:0");
    }

    @Test
    void ipv6InBrackets() {
        assertThat(TcpTuple.format(new InetSocketAddress("::1", 3306))).isEqualTo("[0:0:0:0:0:0:0:1]:3306");
        assertThat(new TcpTuple(new InetSocketAddress("127.0.0.1", 40001), new InetSocketAddress("fe80::1", 443)))
                .hasToString("127.0.0.1:40001 -> [fe80:0:0:0:0:0:0:1]:443");
    }
}
