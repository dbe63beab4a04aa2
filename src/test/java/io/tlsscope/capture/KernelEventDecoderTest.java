package io.tlsscope.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.process.ContainerIds;
import io.tlsscope.testsupport.RingBufferRecords;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Records decoded one after another by one decoder: the names and tuples it remembers from
 * earlier records never leak into a record that carries other bytes.
 */
class KernelEventDecoderTest {
    private static final int COMM = (int) KernelAbi.tlsDataOffset("comm");
    private static final int TUPLE = (int) KernelAbi.tlsDataOffset("tuple");
    private static final int AF_INET6 = 10;

    private final KernelEventDecoder decoder = new KernelEventDecoder(new MonotonicClock(),
            id -> new LibraryRef(id, "fe:00", 7L), new ContainerIds(Path.of("/nonexistent")));

    @Test
    void eachRecordKeepsItsOwnNameAndTuple() throws Exception {
        RingBufferRecords.Connection first = connection(40001, "pgbench");
        RingBufferRecords.Connection second = connection(40002, "psql");
        for (int round = 0; round < 3; round++) {
            TlsDataEvent one = data(RingBufferRecords.call(first, Direction.WRITE, round + 1, new byte[] {1, 2}));
            TlsDataEvent two = data(RingBufferRecords.call(second, Direction.READ, round + 1, new byte[] {3}));
            assertThat(one.comm()).isEqualTo("pgbench");
            assertThat(one.tuple().source()).isEqualTo(first.source());
            assertThat(one.tuple().destination()).isEqualTo(first.destination());
            assertThat(two.comm()).isEqualTo("psql");
            assertThat(two.tuple().source()).isEqualTo(second.source());
            assertThat(one.data()).containsExactly(1, 2);
            assertThat(two.data()).containsExactly(3);
        }
    }

    @Test
    void aNameFillingAllSixteenBytesIsKeptWhole() throws Exception {
        ByteBuffer record = RingBufferRecords.call(connection(40003, "x"), Direction.WRITE, 1, new byte[0]);
        record.put(COMM, "sixteen-bytes-xy".getBytes(StandardCharsets.UTF_8));
        assertThat(data(record).comm()).isEqualTo("sixteen-bytes-xy");
    }

    @Test
    void ipv6AddressesAndUnknownFamilies() throws Exception {
        RingBufferRecords.Connection connection = connection(40004, "app");
        ByteBuffer ipv6 = RingBufferRecords.call(connection, Direction.WRITE, 1, new byte[0]);
        ipv6.putShort(TUPLE, (short) AF_INET6);
        ipv6.put(TUPLE + KernelAbi.tupleOffset("source_address"), InetAddress.getByName("fd00::1").getAddress());
        ipv6.put(TUPLE + KernelAbi.tupleOffset("destination_address"), InetAddress.getByName("2001:db8::5").getAddress());
        assertThat(data(ipv6).tuple()).hasToString("[fd00:0:0:0:0:0:0:1]:40004 -> [2001:db8:0:0:0:0:0:5]:5432");

        ByteBuffer unknown = RingBufferRecords.call(connection, Direction.WRITE, 2, new byte[0]);
        unknown.putShort(TUPLE, (short) 7);
        assertThat(data(unknown).tuple()).isNull();
        assertThat(data(RingBufferRecords.call(connection, Direction.WRITE, 3, new byte[0])).tuple())
                .hasToString("127.0.0.1:40004 -> 127.0.0.1:5432");
    }

    private TlsDataEvent data(ByteBuffer record) {
        return ((KernelEventDecoder.Data) decoder.decode(record)).event();
    }

    private static RingBufferRecords.Connection connection(int port, String comm) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        return new RingBufferRecords.Connection(1, 2, comm, 0x1000L + port, port, 5, new InetSocketAddress(loopback, port),
                new InetSocketAddress(loopback, 5432));
    }
}
