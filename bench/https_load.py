"""An HTTPS load on loopback through the system libssl, for bench/scope-cost.sh.

  https_load.py serve PORT CERT KEY     HTTP/1.1 server with keep-alive, a 64-byte body per GET
  https_load.py run PORT REQUESTS       one keep-alive connection, REQUESTS GETs; prints elapsed ms

Keep-alive makes the cost per TLS call show: each request is one SSL_write and one SSL_read on
each side, not a handshake.
"""
import http.client
import http.server
import ssl
import sys
import time

BODY = b"x" * 64


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # without it Nagle holds the body behind the headers until the client's delayed ACK (40 ms)
    disable_nagle_algorithm = True

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def serve(port, cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def run(port, requests):
    context = ssl._create_unverified_context()
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
    connection.request("GET", "/")
    connection.getresponse().read()  # the handshake, outside the timing
    start = time.monotonic()
    for _ in range(requests):
        connection.request("GET", "/")
        if connection.getresponse().read() != BODY:
            sys.exit("https_load: unexpected body")
    print(round((time.monotonic() - start) * 1000))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        run(int(sys.argv[2]), int(sys.argv[3]))
