package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.StructValue;
import io.tlsscope.conn.ProcNetTcp;
import io.tlsscope.conn.SocketFds;
import io.tlsscope.conn.TcpTuple;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
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
        byte[] key = StructValue.of(KernelAbi.CONN_KEY).setInt(pid, "tgid").setInt(fd, "fd").toBytes();
        byte[] value = StructValue.of(KernelAbi.CONN)
                .setShort((short) (tuple.source().getAddress() instanceof Inet4Address ? AF_INET : AF_INET6), "tuple", "family")
                .setShort((short) tuple.source().getPort(), "tuple", "source_port")
                .setShort((short) tuple.destination().getPort(), "tuple", "destination_port")
                .setBytes(address(tuple.source()), "tuple", "source_address")
                .setBytes(address(tuple.destination()), "tuple", "destination_address")
                .setLong(System.nanoTime(), "learned_ns") // same clock as bpf_ktime_get_ns
                .toBytes(); // role stays TLSSCOPE_ROLE_UNKNOWN (0): /proc does not say who connected
        try {
            conns.update(key, value, BpfMap.BPF_NOEXIST);
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
