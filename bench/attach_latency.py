"""Driver of bench/attach-latency.sh: discovery/attach time and exec-to-hooked latency of tlsscope."""
import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import ssl
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SYSTEM_LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3"

# Runs in each client: TLS to the sink, then one timestamped line per millisecond for 3 s.
CLIENT = r"""
import socket, ssl, sys, time, os
launch_ns, port = sys.argv[1], int(sys.argv[2])
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
tls = context.wrap_socket(socket.create_connection(("127.0.0.1", port)))
end = time.monotonic_ns() + 3_000_000_000
sequence = 0
while time.monotonic_ns() < end:
    now = time.monotonic_ns()
    if sequence == 0:
        print(now, flush=True)
    tls.sendall(f"hook-probe {os.getpid()} {launch_ns} {now} {sequence}\n".encode())
    sequence += 1
    time.sleep(0.001)
"""

# The sink: accepts TLS connections and discards what they send.
SINK = r"""
import socket, ssl, sys, threading
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
listener = socket.create_server(("127.0.0.1", 0), backlog=512)
print(listener.getsockname()[1], flush=True)
def drain(connection):
    try:
        with context.wrap_socket(connection, server_side=True) as tls:
            while tls.recv(65536):
                pass
    except OSError:
        pass
while True:
    connection, _ = listener.accept()
    threading.Thread(target=drain, args=(connection,), daemon=True).start()
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def private_libssl(work, name):
    """A directory holding a fresh copy of the system libssl: a new inode for the loader to map."""
    directory = os.path.join(work, name)
    os.makedirs(directory)
    shutil.copy2(SYSTEM_LIBSSL, os.path.join(directory, "libssl.so.3"))
    return directory


def environment(library_dir):
    env = dict(os.environ)
    if library_dir:
        env["LD_LIBRARY_PATH"] = library_dir
    return env


class EventStream(threading.Thread):
    """Reads tlsscope's SSE stream; keeps, per pid, the first hook-probe line it carried."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/api/v1/events"
        self.token = token
        self.first_captured = {}
        self.connected = threading.Event()

    def run(self):
        request = urllib.request.Request(self.url, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request) as response:
            self.connected.set()
            for raw in response:
                line = raw.decode("utf-8", "replace")
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("direction") != "write":
                    continue
                match = re.search(r"hook-probe (\d+) (\d+) (\d+) (\d+)", event.get("text") or "")
                if match:
                    pid, launch_ns, sent_ns = int(match.group(1)), int(match.group(2)), int(match.group(3))
                    self.first_captured.setdefault(pid, (launch_ns, sent_ns))


def wait_ready(port, tracer, log_path):
    for _ in range(200):
        if tracer.poll() is not None:
            sys.exit("tlsscope exited:\n" + open(log_path).read()[-3000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready").read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("tlsscope did not become ready:\n" + open(log_path).read()[-3000:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", required=True)
    parser.add_argument("--jar", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-private", type=int, required=True)
    parser.add_argument("--idle-shared", type=int, required=True)
    parser.add_argument("--clients", type=int, required=True)
    options = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tlsscope-attach-bench-")
    processes = []
    tracer = None
    try:
        certificate, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                        "-keyout", key, "-out", certificate], check=True, capture_output=True)
        sink = subprocess.Popen([sys.executable, "-c", SINK, certificate, key], stdout=subprocess.PIPE, text=True)
        processes.append(sink)
        sink_port = int(sink.stdout.readline())

        idle = "import ssl, time; time.sleep(3600)"
        for index in range(options.idle_private):
            processes.append(subprocess.Popen([sys.executable, "-c", idle],
                                              env=environment(private_libssl(work, f"idle-{index}"))))
        for _ in range(options.idle_shared):
            processes.append(subprocess.Popen([sys.executable, "-c", idle]))
        time.sleep(2)  # every idle process has imported ssl (mapped its libssl)

        log_path = os.path.join(work, "tlsscope.log")
        with open(log_path, "w") as log:
            token = secrets.token_urlsafe(32)  # a token of this run only: the service gets its hash
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            tracer = subprocess.Popen([options.java, "--enable-native-access=ALL-UNNAMED",
                                       f"-Dquarkus.http.port={options.port}", f"-Dtlsscope.auth.tokens=admin:sha256:{token_hash}",
                                       "-Dtlsscope.auth.create-first-token=false", "-jar", options.jar, "serve"],
                                      stdout=log, stderr=subprocess.STDOUT)
        wait_ready(options.port, tracer, log_path)
        stream = EventStream(options.port, token)
        stream.start()
        stream.connected.wait(10)

        first_sent = {}
        kinds = {}
        for index in range(options.clients):
            kind = "new inode" if index % 2 == 0 else "attached inode"
            library_dir = private_libssl(work, f"client-{index}") if kind == "new inode" else None
            launch_ns = time.monotonic_ns()
            client = subprocess.Popen([sys.executable, "-c", CLIENT, str(launch_ns), str(sink_port)],
                                      env=environment(library_dir), stdout=subprocess.PIPE, text=True)
            first_sent[client.pid] = int(client.stdout.readline())
            kinds[client.pid] = kind
            client.wait()
        time.sleep(1)

        log_text = open(log_path).read()
        scan = re.search(r"discovery: (\d+) processes use TLS libraries, (\d+) libraries attached in (\d+) ms", log_text)
        attach_ms = [int(ms) for ms in re.findall(r"attached \S+ \(.*?\) via \S+ in (\d+) ms", log_text)]
        print(f"\nstartup: {options.idle_private} processes on private libssl copies, {options.idle_shared} on the system libssl")
        if scan:
            print(f"  initial discovery: {scan.group(1)} processes, {scan.group(2)} libraries attached in {scan.group(3)} ms")
        if attach_ms:
            print(f"  attach per inode: p50 {percentile(attach_ms, 0.5)} ms, p99 {percentile(attach_ms, 0.99)} ms "
                  f"({len(attach_ms)} attachments, startup and clients)")
        print(f"\nexec-to-hooked, {options.clients} clients (launch -> first SSL_write tlsscope captured)")
        print(f"  {'library':<16} {'clients':>7} {'missed':>6} {'p50 ms':>8} {'p99 ms':>8} {'first write p50 ms':>19} {'lost lines p50':>15}")
        for kind in ("attached inode", "new inode"):
            pids = [pid for pid, k in kinds.items() if k == kind]
            captured = [pid for pid in pids if pid in stream.first_captured]
            hooked = [(stream.first_captured[pid][1] - stream.first_captured[pid][0]) / 1e6 for pid in captured]
            first = [(first_sent[pid] - stream.first_captured[pid][0]) / 1e6 for pid in captured]
            lost = [(stream.first_captured[pid][1] - first_sent[pid]) / 1e6 for pid in captured]
            if hooked:
                print(f"  {kind:<16} {len(pids):>7} {len(pids) - len(captured):>6} {percentile(hooked, 0.5):>8.1f} "
                      f"{percentile(hooked, 0.99):>8.1f} {percentile(first, 0.5):>19.1f} {percentile(lost, 0.5):>14.1f}ms")
            else:
                print(f"  {kind:<16} {len(pids):>7} {len(pids):>6}  (nothing captured)")
        print("\n'first write' is when the client made its first SSL_write (python start-up and handshake);"
              "\n'lost lines' is how long after it tlsscope's first captured line was written (0: hooked in time).")
    finally:
        if tracer:
            tracer.terminate()
            tracer.wait()
        for process in processes:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
