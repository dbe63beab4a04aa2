package io.tlsscope.tracer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.conn.ProcNetTcp;
import io.tlsscope.conn.SocketFds;
import io.tlsscope.conn.TcpTuple;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seeds the kernel's conns map with the TCP sockets a process already had when tracing began
 * (from /proc/PID/fd and /proc/PID/net/tcp{,6}). Entries the tracepoints wrote are newer and win:
 * seeds are inserted with BPF_NOEXIST.
 */
final class KernelConnectionTable {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int TUPLE = (int) KernelAbi.CONN.byteOffset(groupElement("tuple"));
    private static final int LEARNED_NS = (int) KernelAbi.CONN.byteOffset(groupElement("learned_ns"));
    private static final int SOURCE_PORT = TUPLE + KernelAbi.tupleOffset("source_port");
    private static final int DESTINATION_PORT = TUPLE + KernelAbi.tupleOffset("destination_port");
    private static final int SOURCE_ADDRESS = TUPLE + KernelAbi.tupleOffset("source_address");
    private static final int DESTINATION_ADDRESS = TUPLE + KernelAbi.tupleOffset("destination_address");

    private final BpfMap conns;
    private final Path procRoot;
    private final AtomicLong seeded = new AtomicLong();
    private final AtomicLong seedFailures = new AtomicLong();

    KernelConnectionTable(BpfMap conns, Path procRoot) {
        this.conns = conns;
        this.procRoot = procRoot;
    }

    /** Inserts every TCP socket pid holds now; returns how many were new to the map. */
    int seed(int pid) {
        Map<Long, TcpTuple> tcpByInode = ProcNetTcp.socketsOf(procRoot, pid);
        int added = 0;
        for (Map.Entry<Integer, Long> socket : SocketFds.of(procRoot, pid).entrySet()) {
            TcpTuple tuple = tcpByInode.get(socket.getValue());
            if (tuple != null && insert(pid, socket.getKey(), tuple)) {
                added++;
            }
        }
        seeded.addAndGet(added);
        return added;
    }

    long seeded() {
        return seeded.get();
    }

    /** Seeds the map refused for a reason other than already holding the connection. */
    long seedFailures() {
        return seedFailures.get();
    }

    private boolean insert(int pid, int fd, TcpTuple tuple) {
        ByteBuffer key = ByteBuffer.allocate((int) KernelAbi.CONN_KEY.byteSize()).order(ByteOrder.nativeOrder());
        key.putInt(pid).putInt(fd);
        ByteBuffer value = ByteBuffer.allocate((int) KernelAbi.CONN.byteSize()).order(ByteOrder.nativeOrder());
        value.putShort(TUPLE, (short) (tuple.source().getAddress() instanceof Inet4Address ? AF_INET : AF_INET6));
        value.putShort(SOURCE_PORT, (short) tuple.source().getPort());
        value.putShort(DESTINATION_PORT, (short) tuple.destination().getPort());
        value.put(SOURCE_ADDRESS, address(tuple.source()));
        value.put(DESTINATION_ADDRESS, address(tuple.destination()));
        value.putLong(LEARNED_NS, System.nanoTime()); // same clock as bpf_ktime_get_ns
        // role stays TLSSCOPE_ROLE_UNKNOWN (0): /proc does not say who connected
        try {
            conns.update(key.array(), value.array(), BpfMap.BPF_NOEXIST);
            return true;
        } catch (LibbpfException e) {
            if (!"EEXIST".equals(e.errnoName())) {
                seedFailures.incrementAndGet();
            }
            return false; // EEXIST: a tracepoint already recorded it, and that entry is fresher
        }
    }

    private static byte[] address(InetSocketAddress endpoint) {
        return endpoint.getAddress().getAddress();
    }

}
